import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `cue_values` (distill/trainer/cue_values.py): the trainer's golden file holds
/// conversations, the question's cue values and answers before and after the fill; Swift must
/// agree, and a specialist listing the feature must answer with the value after the cue.
struct CueValuesTests {
    static let golden = TestEnvironment.repositoryRoot.appendingPathComponent(
        "distill/trainer/tests/golden/cue_values.jsonl")

    static func rules(_ json: OrderedJSON?) -> [CueValues.Rule] {
        guard case .array(let items)? = json else { return [] }
        return items.compactMap { item in
            guard case .string(let tool)? = item["tool"], case .string(let key)? = item["key"],
                case .string(let cue)? = item["cue"]
            else { return nil }
            return .init(tool: tool, key: key, cue: cue)
        }
    }

    @Test func goldenCasesFillLikeTheTrainer() throws {
        let golden = try GoldenCases.read(Self.golden)
        #expect(golden.count >= 4)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .array(let tools)? = item["tools"],
                case .object(let values)? = item["values"], let response = item["response"], let filled = item["filled"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let messages = list.map(PromptRenderer.Message.init(json:))
            let question = RetrievalHint.queryText(messages)
            for member in values {
                let expected: String? = if case .string(let text) = member.value { text } else { nil }
                #expect(CueValues.value(in: question, cue: member.key) == expected, "\(name): \(member.key)")
            }
            let schemas = GoldenCases.schemas(tools)
            let cues = CueValues(rules: Self.rules(item["arguments"]))
            #expect(
                cues.fill(RememberedKeysTests.response(response), messages: messages, tools: schemas)
                    == RememberedKeysTests.response(filled), "\(name)")
        }
    }

    /// The tiny specialist told that every argument of its tools is the value after "ref".
    static func specialist(_ name: String, cues: Any) throws -> URL {
        try RememberedKeysTests.copy(name, feature: "cue_values", value: cues)
    }

    @Test func aSpecialistWithTheFeatureAnswersWithTheCuedValue() throws {
        let keys = [
            "book_table": ["restaurant", "people", "date", "time"], "cancel_booking": ["booking_id"],
            "rate_visit": ["booking_id", "stars"],
        ]
        let rules = keys.flatMap { tool, names in names.map { ["tool": tool, "key": $0, "cue": "ref"] } }
        let directory = try Self.specialist("specialist-cue-values", cues: ["arguments": rules, "counts": [:]])
        defer { try? FileManager.default.removeItem(at: directory) }
        let specialist = try Specialist(directory: directory)
        #expect(specialist.cueValues?.rules.count == 7)
        let messages: [PromptRenderer.Message] = [
            .init(role: "user", content: "Book a table at 'Luigi' for 4 people on 2026-05-01 at 19:30, ref: ZED_1.")
        ]
        let answer = try #require(try specialist.answer(messages).response)
        var written = 0
        for call in answer.toolCalls where keys[call.name] != nil {
            guard case .object(let members) = call.arguments else { continue }
            for member in members {
                written += 1
                #expect(member.value == .string("ZED_1"), "\(call.name).\(member.key)")
            }
        }
        #expect(written > 0, "\(answer)")
    }

    @Test func aCueWithPatternCharactersMatchesItselfAndDoesNotCrash() {
        #expect(CueValues.value(in: "pay [: 42 or id 7", cue: "[") == "42")
        #expect(CueValues.value(in: "a.b 9, ab 3", cue: ".b") == nil)
        let cues = CueValues(rules: [.init(tool: "book_flight", key: "card_id", cue: "(")])
        #expect(cues.rules.count == 1)
    }

    /// Two cues for one argument: which one wins would depend on the engine (the trainer lists one).
    @Test func anArgumentListedTwiceIsRefused() throws {
        let twice = [
            ["tool": "book_table", "key": "restaurant", "cue": "at"], ["tool": "book_table", "key": "restaurant", "cue": "in"],
        ]
        let directory = try Self.specialist("specialist-cue-values-twice", cues: ["arguments": twice, "counts": [:]])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect {
            _ = try Specialist(directory: directory)
        } throws: { error in
            "\(error)".contains("cue_values.arguments") && "\(error)".contains("book_table.restaurant twice")
        }
    }

    @Test func malformedArgumentsAreRefusedNamingTheField() throws {
        for broken in [["counts": [:]], ["arguments": [["tool": "book_table", "key": "restaurant", "cue": "a t"]]]] as [Any] {
            let directory = try Self.specialist("specialist-cue-values-broken", cues: broken)
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect {
                _ = try Specialist(directory: directory)
            } throws: { error in
                "\(error)".contains("cue_values") && "\(error)".contains("specialist.json")
            }
        }
    }
}
