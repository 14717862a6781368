import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `remembered_keys` (distill/trainer/remembered_keys.py): the trainer's golden file
/// holds conversations, their memory and answers before and after the fill; Swift must agree, and a
/// specialist listing the feature must answer with the remembered values.
struct RememberedKeysTests {
    static func response(_ json: OrderedJSON) -> AnswerRestorer.Response {
        .init(
            content: QuestionSpansTests.content(json),
            toolCalls: QuestionSpansTests.calls(json).map { .init(name: $0.name, arguments: $0.arguments ?? .object([])) })
    }

    static func strings(_ json: OrderedJSON?) -> [String] {
        guard case .array(let items)? = json else { return [] }
        return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
    }

    @Test func goldenCasesFillLikeTheTrainer() throws {
        let url = TestEnvironment.repositoryRoot.appendingPathComponent(
            "distill/trainer/tests/golden/remembered_keys.jsonl")
        let golden = try GoldenCases.read(url)
        #expect(golden.count >= 4)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .object(let memory)? = item["memory"],
                case .array(let tools)? = item["tools"], let response = item["response"], let filled = item["filled"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let messages = list.map(PromptRenderer.Message.init(json:))
            let remembered = RememberedKeys.memory(messages)
            #expect(remembered.count == memory.count, "\(name)")
            for member in memory {
                #expect(
                    Self.strings(member.value) == [remembered[member.key]?.text ?? "-", remembered[member.key]?.kind ?? "-"],
                    "\(name): \(member.key)")
            }
            var schemas: [String: OrderedJSON] = [:]
            for tool in tools { if case .string(let tool_name)? = tool["name"] { schemas[tool_name] = tool["parameters"] } }
            let keys = RememberedKeys(keys: Set(Self.strings(item["keys"])))
            #expect(keys.fill(Self.response(response), messages: messages, tools: schemas) == Self.response(filled), "\(name)")
        }
    }

    /// A copy of the tiny specialist listing `feature` with `value` as its specialist.json entry
    /// (neither when `value` is nil); the answer-fill features' tests share it.
    static func copy(_ name: String, feature: String, value: Any?) throws -> URL {
        let directory = try RetrievalHintTests.copy(name, features: value == nil ? [] : [feature], index: false)
        let specURL = directory.appendingPathComponent("specialist.json")
        var spec = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: specURL)) as? [String: Any])
        spec[feature] = value
        try JSONSerialization.data(withJSONObject: spec).write(to: specURL)
        return directory
    }

    /// Expects the tiny specialist with each of `values` as `feature`'s entry to be refused with an
    /// error naming the feature and specialist.json (a fill's malformed entry).
    static func expectRefused(_ feature: String, values: [Any]) throws {
        for value in values {
            let directory = try copy("specialist-\(feature)-broken", feature: feature, value: value)
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect {
                _ = try Specialist(directory: directory)
            } throws: { error in
                "\(error)".contains(feature) && "\(error)".contains("specialist.json")
            }
        }
    }

    /// The tiny specialist told to fill every booking argument from the conversation's memory.
    static func specialist(_ name: String, remembered: Any?) throws -> URL {
        try copy(name, feature: "remembered_keys", value: remembered)
    }

    @Test func aSpecialistWithTheFeatureAnswersWithTheRememberedValues() throws {
        let keys = ["restaurant", "people", "date", "time", "booking_id", "stars"]
        let filling = try Self.specialist("specialist-remembered", remembered: ["keys": keys, "counts": [:]])
        let plain = try Self.specialist("specialist-remembered-plain", remembered: nil)
        defer {
            try? FileManager.default.removeItem(at: filling)
            try? FileManager.default.removeItem(at: plain)
        }
        let messages: [PromptRenderer.Message] = [
            .init(role: "tool", content: #"{"restaurant": "Zed", "people": 3, "date": "2030-01-01", "booking_id": "BK-1"}"#),
            .init(role: "user", content: "Book a table at 'Luigi' for 4 people on 2026-05-01 at 19:30."),
        ]
        let withFeature = try Specialist(directory: filling)
        #expect(withFeature.rememberedKeys?.keys == Set(keys))
        let answer = try #require(try withFeature.answer(messages).response)
        let expected: [String: OrderedJSON] = [
            "restaurant": .string("Zed"), "people": .number("3"), "date": .string("2030-01-01"), "booking_id": .string("BK-1"),
        ]
        var written = 0
        for call in answer.toolCalls {
            guard case .object(let members) = call.arguments else { continue }
            for member in members where expected[member.key] != nil {
                written += 1
                #expect(member.value == expected[member.key], "\(call.name).\(member.key)")
            }
        }
        #expect(written > 0, "\(answer)")
        // The model alone copies the last message's values: the fill, not the model, wrote these.
        let alone = try #require(try Specialist(directory: plain).answer(messages).response)
        #expect(alone != answer, "\(alone)")
    }

    @Test func aFeatureWithoutItsKeysIsRefusedNamingTheField() throws {
        let directory = try Self.specialist("specialist-remembered-broken", remembered: ["counts": [:]])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect {
            _ = try Specialist(directory: directory)
        } throws: { error in
            "\(error)".contains("remembered_keys") && "\(error)".contains("specialist.json")
        }
    }
}
