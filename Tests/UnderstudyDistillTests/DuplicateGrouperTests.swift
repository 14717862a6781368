import Foundation
import Testing
import UnderstudyArchive
import UnderstudyDistill
import UnderstudyTestSupport

/// Successive turns of one conversation re-send the whole history, so over a long history their
/// texts are more than 90% alike. They are still different requests with different answers and
/// must each reach the datasets.
struct DuplicateGrouperTests {
    static func turn(_ history: [String], ask: String, answer: String) -> Exchange {
        var messages: [JSONValue] = [["role": "system", "content": "You are a file system agent."]]
        for (i, text) in history.enumerated() {
            messages.append(["role": i % 2 == 0 ? "user" : "assistant", "content": .string(text)])
        }
        messages.append(["role": "user", "content": .string(ask)])
        let request: JSONValue = ["model": "gpt-4o", "messages": .array(messages)]
        let response: JSONValue = [
            "id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o",
            "choices": [["index": 0, "message": ["role": "assistant", "content": .string(answer)], "finish_reason": "stop"]],
            "usage": ["prompt_tokens": 1000, "completion_tokens": 10, "total_tokens": 1010],
        ]
        return TestExchanges.make(target: "/v1/chat/completions", request: request, response: response)
    }

    @Test func laterTurnsOfALongConversationAreNotNearDuplicatesOfEarlierOnes() throws {
        let long = (0..<300).map { "token\($0)" }.joined(separator: " ")
        let history = [long, "I listed the files.", long + " again", "Done."]
        let exchanges = [
            Self.turn(history, ask: "Now move report.txt from the documents folder into the archive folder and keep a copy there", answer: "Moved."),
            Self.turn(history + ["Now move report.txt from the documents folder into the archive folder and keep a copy there", "Moved."],
                      ask: "Delete the temporary directory called scratch", answer: "Deleted."),
            // A true near duplicate of the first: same history, same ask with one word more.
            Self.turn(history, ask: "Now move report.txt from the documents folder into the archive folder and keep a copy there please", answer: "Moved."),
        ]
        let root = try TestEnvironment.temporaryDirectory("distill-turns")
        defer { try? FileManager.default.removeItem(at: root) }
        try TestExchanges.writeArchive(exchanges, to: root.appendingPathComponent("captures"))
        _ = try StageOne(
            configuration: StageOneConfiguration(
                inputs: [root.appendingPathComponent("captures")], run: "r1", runsRoot: root.appendingPathComponent("runs"),
                anonymizer: AnonymizerConfiguration(key: Array("turns-test-key-0123456".utf8)))
        ).run()
        let entries = try Corpus.read(run: "r1", root: root.appendingPathComponent("runs"))
        #expect(entries.count == 2, "the second turn is its own entry; only the reworded ask merges")
        #expect(entries.map(\.count).sorted() == [1, 2])
    }
}
