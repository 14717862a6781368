import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `named_values` (distill/trainer/named_values.py): the trainer's golden file holds
/// conversations, the question's quoted spans with the keys claiming them, named numbers and answers
/// before and after the fill; Swift must agree, and a specialist listing the feature must answer with
/// the values the question names.
struct NamedValuesTests {
    static let golden = TestEnvironment.repositoryRoot.appendingPathComponent(
        "distill/trainer/tests/golden/named_values.jsonl")

    static func rules(_ json: OrderedJSON?) -> [NamedValues.Rule] {
        guard case .array(let items)? = json else { return [] }
        return items.compactMap { item in
            guard case .string(let tool)? = item["tool"], case .string(let key)? = item["key"] else { return nil }
            return .init(tool: tool, key: key)
        }
    }

    @Test func goldenCasesFillLikeTheTrainer() throws {
        let golden = try GoldenCases.read(Self.golden)
        #expect(golden.count >= 6)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .array(let tools)? = item["tools"],
                case .array(let spans)? = item["spans"], case .object(let numbers)? = item["numbers"],
                let response = item["response"], let filled = item["filled"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let messages = list.map(PromptRenderer.Message.init(json:))
            let question = RetrievalHint.queryText(messages) as NSString
            let schemas = GoldenCases.schemas(tools)
            let claimed = NamedValues.claimedSpans(question, keys: NamedValues.stringKeys(schemas))
            #expect(claimed.count == spans.count, "\(name): spans")
            for (got, want) in zip(claimed, spans) {
                let key: String? = if case .string(let text)? = want["key"] { text } else { nil }
                #expect(got.key == key && .string(got.span) == want["span"], "\(name): \(got)")
            }
            for member in numbers {
                let expected: String? = if case .string(let text) = member.value { text } else { nil }
                #expect(NamedValues.namedNumber(question, key: member.key) == expected, "\(name): \(member.key)")
            }
            let named = NamedValues(rules: Self.rules(item["arguments"]))
            #expect(
                named.fill(RememberedKeysTests.response(response), messages: messages, tools: schemas)
                    == RememberedKeysTests.response(filled), "\(name)")
        }
    }

    @Test func aSpecialistWithTheFeatureAnswersWithTheNamedValues() throws {
        let keys = [
            "book_table": ["restaurant", "people", "date", "time"], "cancel_booking": ["booking_id"],
            "rate_visit": ["booking_id"],
        ]
        let rules = keys.flatMap { tool, names in names.map { ["tool": tool, "key": $0] } }
        let directory = try RememberedKeysTests.copy(
            "specialist-named-values", feature: "named_values", value: ["arguments": rules, "counts": [:]])
        defer { try? FileManager.default.removeItem(at: directory) }
        let specialist = try Specialist(directory: directory)
        #expect(specialist.namedValues?.rules.count == 6)
        // 'Luigi' is the restaurant's (its name word names it), the other spans go in schema order
        // (date, then time) to the keys no word names.
        let question = "Book restaurant 'Luigi' for people 4 on 'next Friday' at '7 pm' please."
        let answer = try #require(try specialist.answer([.init(role: "user", content: question)]).response)
        var checked = 0
        for call in answer.toolCalls {
            guard case .object(let members) = call.arguments else { continue }
            for member in members where keys[call.name]?.contains(member.key) == true {
                switch member.key {
                case "restaurant": #expect(member.value == .string("Luigi"))
                case "people": #expect(member.value == .number("4"))
                case "date": #expect(member.value == .string("next Friday"))
                case "time": #expect(member.value == .string("7 pm"))
                // booking_id: no word names a span for it; 'Luigi' is the restaurant's though no
                // call writes that key, so the first unclaimed span is next.
                default: #expect(member.value == .string("next Friday"), "\(member)")
                }
                checked += 1
            }
        }
        #expect(checked > 0, "\(answer)")
    }

    @Test func malformedArgumentsAreRefusedNamingTheField() throws {
        for broken in [["counts": [:]], ["arguments": [["tool": "book_table"]]]] as [Any] {
            let directory = try RememberedKeysTests.copy("specialist-named-values-broken", feature: "named_values", value: broken)
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect {
                _ = try Specialist(directory: directory)
            } throws: { error in
                "\(error)".contains("named_values") && "\(error)".contains("specialist.json")
            }
        }
    }
}
