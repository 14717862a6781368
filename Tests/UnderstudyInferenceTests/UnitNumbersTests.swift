import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `unit_numbers` (distill/trainer/unit_numbers.py): the trainer's golden file holds
/// conversations, the question's sole unit number per key and answers before and after the fill;
/// Swift must agree, and a specialist listing the feature must answer with the question's number.
struct UnitNumbersTests {
    @Test func goldenCasesFillLikeTheTrainer() throws {
        let golden = try DistinctCallsTests.goldenLines("unit_numbers.jsonl")
        #expect(golden.count >= 6)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .array(let tools)? = item["tools"],
                case .object(let numbers)? = item["numbers"], let response = item["response"],
                let filled = item["filled"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let messages = list.map(PromptRenderer.Message.init(json:))
            let question = RetrievalHint.queryText(messages)
            for member in numbers {
                let expected: String? = if case .string(let text) = member.value { text } else { nil }
                #expect(UnitNumbers.soleUnitNumber(in: question, key: member.key) == expected, "\(name): \(member.key)")
            }
            let units = UnitNumbers(keys: Set(RememberedKeysTests.strings(item["keys"])))
            #expect(
                units.fill(RememberedKeysTests.response(response), messages: messages, tools: GoldenCases.schemas(tools))
                    == RememberedKeysTests.response(filled), "\(name)")
        }
    }

    /// Both calls writing the key take the question's number; "-3 degrees" is no unit number of
    /// `degree`, so the answer's right -3 stays instead of becoming 3.
    @Test func everyCallOfTheKeyTakesTheNumberAndANegativeNumberIsLeft() throws {
        let units = UnitNumbers(keys: ["gallon", "degree"])
        let tools = [
            "fill": try OrderedJSON.parse(#"{"type":"object","properties":{"gallon":{"type":"number"}}}"#),
            "cool": try OrderedJSON.parse(#"{"type":"object","properties":{"degree":{"type":"integer"}}}"#),
        ]
        let messages: [PromptRenderer.Message] = [
            .init(role: "user", content: "Pour 5 gallons into each tank, then lower it by -3 degrees.")
        ]
        func answer(_ first: String, _ second: String) throws -> AnswerRestorer.Response {
            RememberedKeysTests.response(
                try OrderedJSON.parse(
                    #"{"content":null,"tool_calls":[{"name":"fill","arguments":{"gallon":"# + first
                        + #"}},{"name":"fill","arguments":{"gallon":"# + second
                        + #"}},{"name":"cool","arguments":{"degree":-3}}]}"#))
        }
        #expect(units.fill(try answer("40", "41"), messages: messages, tools: tools) == (try answer("5", "5")))
    }

    /// The tiny specialist told that its number keys take the question's unit numbers.
    static func specialist(_ name: String, entry: Any) throws -> URL {
        try RememberedKeysTests.copy(name, feature: "unit_numbers", value: entry)
    }

    /// Read from specialist.json and run in the specialist's fill chain, typed by its tools'
    /// schemas (`people` an integer, `stars` a number): the tiny model's own decode is not used,
    /// since it copies these numbers' slots already and would hide the fill.
    @Test func aSpecialistListingTheFeatureSetsItsKeysToTheUnitNumbers() throws {
        let directory = try Self.specialist(
            "specialist-unit-numbers", entry: ["keys": ["people", "stars"], "counts": [:]])
        defer { try? FileManager.default.removeItem(at: directory) }
        let specialist = try Specialist(directory: directory)
        #expect(specialist.unitNumbers?.keys == ["people", "stars"])
        let messages: [PromptRenderer.Message] = [
            .init(role: "user", content: "Book a table at 'Luigi' for 7 people, then give it 3 stars.")
        ]
        func answer(people: String, stars: String) throws -> AnswerRestorer.Response {
            RememberedKeysTests.response(
                try OrderedJSON.parse(
                    #"{"content":null,"tool_calls":[{"name":"book_table","arguments":{"restaurant":"Luigi","people":"#
                        + people + #"}},{"name":"rate_visit","arguments":{"booking_id":"x","stars":"# + stars + "}}]}"))
        }
        let filled = specialist.filled(try answer(people: "2", stars: "5"), messages: messages, tools: specialist.tools)
        #expect(filled == (try answer(people: "7", stars: "3")))
    }

    @Test func anEntryWithoutItsKeysIsRefusedNamingTheField() throws {
        for entry: Any in [["counts": [:]], ["keys": "gallon"], ["keys": [3]]] {
            let directory = try Self.specialist("specialist-unit-numbers-broken", entry: entry)
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect {
                _ = try Specialist(directory: directory)
            } throws: { error in
                "\(error)".contains("unit_numbers") && "\(error)".contains("specialist.json")
            }
        }
    }
}
