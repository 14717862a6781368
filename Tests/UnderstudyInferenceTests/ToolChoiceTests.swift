import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `tool_choice` (distill/trainer/tool_choice.py): a classifier the trainer fitted
/// chooses the tools an answer may call, instead of the nearest hint's.
struct ToolChoiceTests {
    static let golden = TestEnvironment.repositoryRoot.appendingPathComponent(
        "distill/trainer/tests/golden/tool_choice.json")

    static func message(_ item: OrderedJSON) -> PromptRenderer.Message {
        var role = "user", content: String?, calls: [(name: String, arguments: OrderedJSON?)] = []
        if case .string(let r)? = item["role"] { role = r }
        if case .string(let c)? = item["content"] { content = c }
        if case .array(let list)? = item["tool_calls"] {
            calls = list.compactMap { call in
                guard case .string(let name)? = call["name"] else { return nil }
                return (name, call["arguments"])
            }
        }
        return .init(role: role, content: content, toolCalls: calls)
    }

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
            let conversation = messages.map(Self.message)
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

    /// Writes a classifier of the tiny specialist's three tools (book_table, cancel_booking,
    /// rate_visit) choosing by `bias` alone (all weights 0) for every request.
    static func writeClassifier(bias: [Double], to directory: URL) throws {
        let zeros = [Double](repeating: 0, count: 384 + 3)
        let model: [String: Any] = [
            "tools": ["book_table", "cancel_booking", "rate_visit"], "bias": bias,
            "weights": [zeros, zeros, zeros], "called_value": 0.5,
        ]
        try JSONSerialization.data(withJSONObject: model).write(
            to: directory.appendingPathComponent("tool_choice.json"))
    }

    /// The tiny specialist whose one-entry index hints rate_visit (or a text answer), with a
    /// classifier that chooses cancel_booking for every request (its bias; all weights 0).
    @Test(arguments: ["rate_visit", nil] as [String?])
    func theChosenToolsReplaceTheNearestHints(hinted: String?) throws {
        let directory = try HintToolsTests.specialist(
            "specialist-tool-choice", features: ["retrieval_hint", "hint_tools", "tool_choice"],
            hintedTool: hinted)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.writeClassifier(bias: [-1.0, 1.0, -1.0], to: directory)
        let specialist = try Specialist(directory: directory, embedder: HashingEmbedder(dimension: 384))
        #expect(specialist.promptFeatures.contains("tool_choice"))
        let answer = try specialist.answer([.init(role: "user", content: "Book a table at 'Luigi' for 4 people.")])
        let called = HintToolsTests.calledTools(answer.text)
        #expect(!called.isEmpty && called.allSatisfy { $0 == "cancel_booking" }, "\(answer.text)")
    }
}
