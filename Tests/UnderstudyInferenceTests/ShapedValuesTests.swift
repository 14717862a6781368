import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `shaped_values` (distill/trainer/shaped_values.py): the trainer's golden file
/// holds conversations, the question's words per shape and answers before and after the fill;
/// Swift must agree, and a specialist listing the feature must answer with the question's sole word.
struct ShapedValuesTests {
    static func rules(_ json: OrderedJSON?) -> [ShapedValues.Rule] {
        guard case .array(let items)? = json else { return [] }
        return items.compactMap { item in
            guard case .string(let key)? = item["key"], case .string(let name)? = item["shape"],
                let shape = ShapedValues.Shape(rawValue: name)
            else { return nil }
            return .init(key: key, shape: shape)
        }
    }

    @Test func goldenCasesFillLikeTheTrainer() throws {
        let golden = try DistinctCallsTests.goldenLines("shaped_values.jsonl")
        #expect(golden.count >= 6)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .array(let tools)? = item["tools"],
                case .object(let words)? = item["words"], let response = item["response"], let filled = item["filled"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let messages = list.map(PromptRenderer.Message.init(json:))
            let question = RetrievalHint.queryText(messages)
            for member in words {
                let shape = try #require(ShapedValues.Shape(rawValue: member.key), "\(name): \(member.key)")
                let expected: [String] =
                    if case .array(let items) = member.value {
                        items.compactMap { if case .string(let text) = $0 { text } else { nil } }
                    } else { [] }
                #expect(ShapedValues.words(in: question, shape: shape) == expected, "\(name): \(member.key)")
            }
            let schemas = GoldenCases.schemas(tools)
            let shaped = ShapedValues(rules: Self.rules(item["arguments"]))
            #expect(shaped.rules.count == 3, "\(name)")
            #expect(
                shaped.fill(RememberedKeysTests.response(response), messages: messages, tools: schemas)
                    == RememberedKeysTests.response(filled), "\(name)")
        }
    }

    /// The tiny specialist told that every argument of its tools is the question's capitals word
    /// (its string keys take it; `people` and `stars`, an integer and a number, keep theirs).
    static func specialist(_ name: String, entry: Any) throws -> URL {
        try RememberedKeysTests.copy(name, feature: "shaped_values", value: entry)
    }

    @Test func aSpecialistWithTheFeatureAnswersWithTheSoleWord() throws {
        let keys = ["restaurant", "people", "date", "time", "booking_id", "stars"]
        let rules = keys.map { ["key": $0, "shape": "capitals"] }
        let directory = try Self.specialist("specialist-shaped-values", entry: ["arguments": rules, "counts": [:]])
        defer { try? FileManager.default.removeItem(at: directory) }
        let specialist = try Specialist(directory: directory)
        #expect(specialist.shapedValues?.rules.count == keys.count)
        let messages: [PromptRenderer.Message] = [
            .init(role: "user", content: "Book a table at 'Luigi' for 4 people on 2026-05-01 at 19:30, code ZED.")
        ]
        let answer = try #require(try specialist.answer(messages).response)
        var written = 0
        for call in answer.toolCalls {
            guard case .object(let members) = call.arguments else { continue }
            for member in members where keys.contains(member.key) {
                written += 1
                if ["people", "stars"].contains(member.key) {
                    // an integer or number key cannot take "ZED" (the grammar writes none): kept
                    guard case .number = member.value else {
                        Issue.record("\(call.name).\(member.key) = \(member.value.jsonText)")
                        continue
                    }
                } else {
                    #expect(member.value == .string("ZED"), "\(call.name).\(member.key)")
                }
            }
        }
        #expect(written > 0, "\(answer)")
    }

    /// Two shapes for one key: which one wins would depend on the engine (the trainer lists one).
    @Test func aKeyListedTwiceOrAnUnknownShapeIsRefusedNamingTheField() throws {
        let broken: [Any] = [
            ["counts": [:]],
            ["arguments": [["key": "symbol", "shape": "capitals"], ["key": "symbol", "shape": "dollars"]]],
            ["arguments": [["key": "symbol", "shape": "euros"]]],
        ]
        for entry in broken {
            let directory = try Self.specialist("specialist-shaped-values-broken", entry: entry)
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect {
                _ = try Specialist(directory: directory)
            } throws: { error in
                "\(error)".contains("shaped_values") && "\(error)".contains("specialist.json")
            }
        }
    }
}
