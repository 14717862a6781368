import Testing
import UnderstudyDistill
import UnderstudyInference

/// Requests on the same topics, so that only their structure can tell the tasks apart.
private let topics = [
    "the weather in Paris tomorrow", "the stock price of ACME today", "the distance from Oslo to Rome",
    "the population of Lyon in 2020", "the exchange rate of yen to euro", "the opening hours of the city museum",
    "the train times from Bern to Basel", "the calories in a banana bread slice",
]

private func call(
    _ id: String, agent: String = "generic", tools: [String], text: String, answer: CallShape.Answer,
    conversation: String? = nil
) -> ClusterCandidate {
    ClusterCandidate(
        id: id, signature: TaskSignature(api: "chat.completions", model: "m", systemHash: agent, toolNames: tools),
        text: "user: " + text, conversation: conversation, answer: answer)
}

/// Cluster id per call, by id.
private func clusterOf(_ candidates: [ClusterCandidate]) throws -> [String: String] {
    let result = try TaskClusterer(embedder: HashingEmbedder()).cluster(candidates)
    var out: [String: String] = [:]
    for (i, c) in result.assignments.enumerated() { out[candidates[i].id] = c >= 0 ? result.clusters[c].id : "noise" }
    return out
}

struct TaskClustererTests {
    /// A generic agent whose tools come with each request: filling in the one tool offered,
    /// choosing among several, several calls at once, and declining in text (no tool fits) are
    /// four tasks, even though every request asks about the same subjects.
    @Test func genericAgentTasksSplitByToolsOfferedAndAnswerKind() throws {
        var candidates: [ClusterCandidate] = []
        for i in 0..<24 {
            let topic = topics[i % topics.count]
            let tool = "tool_\(i)"
            candidates.append(call("fill\(i)", tools: [tool], text: "find " + topic, answer: .oneCall))
            candidates.append(call("choose\(i)", tools: [tool, "other_\(i)", "third_\(i)"], text: "find " + topic, answer: .oneCall))
            candidates.append(call("many\(i)", tools: [tool], text: "find " + topic, answer: .severalCalls))
            candidates.append(call("decline\(i)", tools: [tool], text: "find " + topic, answer: .text))
        }
        let clusters = try clusterOf(candidates)
        // Every cluster holds one task only (the content may still split a task by topic).
        var tasksOf: [String: Set<String>] = [:]
        for (id, cluster) in clusters { tasksOf[cluster, default: []].insert(String(id.prefix { $0.isLetter })) }
        #expect(tasksOf["noise"] == nil)
        for (cluster, tasks) in tasksOf { #expect(tasks.count == 1, "\(cluster) mixes \(tasks.sorted())") }
    }

    /// In a multi-turn agent one conversation answers with a call and then, given the result, in
    /// text: the answer kind is a step of one task, so the agent stays one cluster.
    @Test func multiTurnAgentIsNotCutByAnswerKind() throws {
        var candidates: [ClusterCandidate] = []
        let tools = ["get_weather", "get_price"]
        for i in 0..<30 {
            let topic = topics[i % topics.count]
            candidates.append(call("ask\(i)", agent: "assistant", tools: tools, text: "tell me " + topic,
                                   answer: .oneCall, conversation: "conv\(i)"))
            candidates.append(call("tell\(i)", agent: "assistant", tools: tools, text: "tell me " + topic + "\ntool: 42",
                                   answer: .text, conversation: "conv\(i)"))
        }
        let clusters = try clusterOf(candidates)
        for i in 0..<30 {
            #expect(clusters["ask\(i)"] != "noise" && clusters["ask\(i)"] == clusters["tell\(i)"], "conversation \(i)")
        }
    }

    /// A kind too rare to train on does not become a task of its own: with one text answer
    /// among many calls, the agent is not split.
    @Test func aRareAnswerKindDoesNotSplitTheGroup() throws {
        var candidates = (0..<40).map {
            call("q\($0)", agent: "single", tools: ["lookup"], text: "look up " + topics[$0 % topics.count], answer: .oneCall)
        }
        candidates.append(call("odd", agent: "single", tools: ["lookup"], text: "look up " + topics[0], answer: .text))
        let clusters = try clusterOf(candidates)
        #expect(clusters["odd"] != "noise" && clusters["odd"] == clusters["q0"])
    }

    @Test func answerKindCountsOnlyInSingleTurnTraffic() {
        #expect(CallShape.answerDistinguishesTasks(["a", "b", "c"], singleTurnShare: 0.9))
        // Two of four calls share a conversation: multi-turn traffic.
        #expect(!CallShape.answerDistinguishesTasks(["a", "a", "b", "c"], singleTurnShare: 0.9))
        #expect(CallShape.answerDistinguishesTasks(["a", "a", "b", "c"], singleTurnShare: 0.5))
        #expect(!CallShape.answerDistinguishesTasks([], singleTurnShare: 0.9))
    }
}
