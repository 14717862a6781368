import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `tool_choice` (distill/trainer/tool_choice.py): a classifier the trainer fitted
/// chooses the tools an answer may call, instead of the nearest hint's.
struct ToolChoiceTests {
    static let golden = TestEnvironment.repositoryRoot.appendingPathComponent(
        "distill/trainer/tests/golden/tool_choice.json")

    /// A directory holding one golden model as the trainer writes it (`tool_choice.json`).
    static func written(_ model: OrderedJSON) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tool-choice-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(model.jsonText.utf8).write(to: directory.appendingPathComponent("tool_choice.json"))
        return directory
    }

    @Test func choicesMatchTheTrainersGoldenFile() throws {
        let file = try OrderedJSON.parse(String(contentsOf: Self.golden, encoding: .utf8))
        guard case .object(let models)? = file["models"], case .array(let cases)? = file["cases"] else {
            throw ReferenceError("unexpected golden file")
        }
        var loaded: [String: ToolChoice] = [:]
        for (name, model) in models {
            let directory = try Self.written(model)
            defer { try? FileManager.default.removeItem(at: directory) }
            loaded[name] = try ToolChoice(directory: directory)
        }
        #expect(cases.count >= 5)
        for item in cases {
            guard case .string(let name)? = item["name"], case .string(let model)? = item["model"],
                let choice = loaded[model], case .array(let query)? = item["query"],
                case .array(let messages)? = item["messages"], case .array(let scores)? = item["scores"]
            else { throw ReferenceError("unexpected golden case") }
            let vector = query.compactMap { if case .number(let t) = $0 { Float(t) } else { nil } }
            let conversation = messages.map(PromptRenderer.Message.init(json:))
            #expect(
                choice.scores(query: vector, messages: conversation)
                    == scores.compactMap { if case .number(let t) = $0 { Double(t) } else { nil } }, "\(name)")
            #expect(
                choice.chosen(query: vector, messages: conversation) == ClauseToolsTests.strings(item["chosen"]),
                "\(name)")
        }
    }

    @Test func aFileWithoutOneRowPerToolIsRefusedNamingTheField() throws {
        let directory = try Self.written(
            try OrderedJSON.parse(#"{"tools":["a","b"],"bias":[0,0],"weights":[[1,2]],"called_value":0.5}"#))
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: InferenceError.self) { try ToolChoice(directory: directory) }
        do { _ = try ToolChoice(directory: directory) } catch { #expect("\(error)".contains("weights")) }
    }

    @Test func aFileThatIsNoJSONIsRefusedNamingTheFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tool-choice-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(#"{"tools":["a","b"],"bias":[0,"#.utf8).write(to: directory.appendingPathComponent("tool_choice.json"))
        do {
            _ = try ToolChoice(directory: directory)
            Issue.record("a truncated tool_choice.json was accepted")
        } catch {
            #expect("\(error)".contains("tool_choice.json"))
        }
    }

    /// Writes a classifier of `tools` (by default the tiny specialist's three: book_table,
    /// cancel_booking, rate_visit) choosing by `bias` alone (all weights 0) for every request.
    static func writeClassifier(
        tools: [String] = ["book_table", "cancel_booking", "rate_visit"], bias: [Double], to directory: URL
    ) throws {
        let zeros = [Double](repeating: 0, count: 384 + tools.count)
        let model: [String: Any] = [
            "tools": tools, "bias": bias, "weights": tools.map { _ in zeros }, "called_value": 0.5,
        ]
        try JSONSerialization.data(withJSONObject: model).write(
            to: directory.appendingPathComponent("tool_choice.json"))
    }

    /// The tiny specialist whose one-entry index hints `hinted` (nil: a text answer), with a
    /// classifier that chooses cancel_booking for every request (its bias; all weights 0);
    /// `listBookings`: the cluster also has the argument-less list_bookings, which the classifier
    /// chooses too and prompt feature chosen_calls lists.
    static func choosingSpecialist(
        _ name: String, listBookings: Bool, hinted: String? = "rate_visit"
    ) throws -> URL {
        let features = ["retrieval_hint", "hint_tools", "tool_choice"] + (listBookings ? ["chosen_calls"] : [])
        let directory = try HintToolsTests.specialist(name, features: features, hintedTool: hinted)
        var tools = ["book_table", "cancel_booking", "rate_visit"]
        var bias = [-1.0, 1.0, -1.0]
        if listBookings {
            let specURL = directory.appendingPathComponent("specialist.json")
            var spec = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: specURL)) as? [String: Any])
            let schema: [String: Any] = ["type": "object", "properties": [String: Any]()]
            spec["tools"] = (spec["tools"] as? [Any] ?? []) + [["name": "list_bookings", "parameters": schema]]
            spec["chosen_calls"] = ["tools": [["tool": "list_bookings", "after": ["cancel_booking"]]], "counts": [:]]
            try JSONSerialization.data(withJSONObject: spec).write(to: specURL)
            tools.append("list_bookings")
            bias.append(1.0)
        }
        try writeClassifier(tools: tools, bias: bias, to: directory)
        return directory
    }

    /// Also where the nearest hint is a text answer: the choice restricts the calls all the same.
    @Test(arguments: ["rate_visit", nil] as [String?])
    func theChosenToolsReplaceTheNearestHints(hinted: String?) throws {
        let directory = try Self.choosingSpecialist("specialist-tool-choice", listBookings: false, hinted: hinted)
        defer { try? FileManager.default.removeItem(at: directory) }
        let specialist = try Specialist(directory: directory, embedder: HashingEmbedder(dimension: 384))
        #expect(specialist.promptFeatures.contains("tool_choice"))
        let answer = try specialist.answer([.init(role: "user", content: "Book a table at 'Luigi' for 4 people.")])
        let called = HintToolsTests.calledTools(answer.text)
        #expect(!called.isEmpty && called.allSatisfy { $0 == "cancel_booking" }, "\(answer.text)")
    }

    /// Prompt feature chosen_calls, wired to the classifier's choice: the model writes
    /// cancel_booking only, and the chosen argument-less list_bookings is called after it.
    @Test func aChosenArgumentlessToolTheModelLeftOutIsCalled() throws {
        let directory = try Self.choosingSpecialist("specialist-chosen-calls-wired", listBookings: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let specialist = try Specialist(directory: directory, embedder: HashingEmbedder(dimension: 384))
        #expect(specialist.chosenCalls != nil)
        let answer = try specialist.answer([.init(role: "user", content: "Book a table at 'Luigi' for 4 people.")])
        let written = HintToolsTests.calledTools(answer.text)
        #expect(!written.isEmpty && written.allSatisfy { $0 == "cancel_booking" }, "\(answer.text)")
        let called = answer.response?.toolCalls.map(\.name) ?? []
        #expect(called == written + ["list_bookings"], "\(called)")
        #expect(answer.response?.toolCalls.last?.arguments == .object([]))
    }
}
