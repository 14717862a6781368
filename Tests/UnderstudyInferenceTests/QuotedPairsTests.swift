import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `quoted_pairs` (distill/trainer/quoted_pairs.py): the trainer's golden file holds
/// conversations, the question's quoted spans and answers before and after the fill; Swift must
/// agree, and a specialist listing the feature must answer with the two spans in the listed order.
struct QuotedPairsTests {
    static let golden = TestEnvironment.repositoryRoot.appendingPathComponent(
        "distill/trainer/tests/golden/quoted_pairs.jsonl")

    static func rules(_ json: OrderedJSON?) -> [QuotedPairs.Rule] {
        guard case .array(let items)? = json else { return [] }
        return items.compactMap { item in
            guard case .string(let tool)? = item["tool"], case .array(let keys)? = item["keys"], keys.count == 2,
                case .string(let first) = keys[0], case .string(let second) = keys[1]
            else { return nil }
            return .init(tool: tool, first: first, second: second)
        }
    }

    @Test func goldenCasesFillLikeTheTrainer() throws {
        let golden = try GoldenCases.read(Self.golden)
        #expect(golden.count >= 18)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .array(let tools)? = item["tools"],
                let response = item["response"], let filled = item["filled"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let messages = list.map(PromptRenderer.Message.init(json:))
            // Scalar by scalar, as the trainer compares: String == calls NFC and NFD spellings equal.
            let spans = QuotedPairs.spans(in: RetrievalHint.queryText(messages)).map { Array($0.unicodeScalars) }
            #expect(spans == RememberedKeysTests.strings(item["spans"]).map { Array($0.unicodeScalars) }, "\(name)")
            var schemas: [String: OrderedJSON] = [:]
            for tool in tools {
                if case .string(let toolName)? = tool["name"] { schemas[toolName] = tool["parameters"] }
            }
            let pairs = QuotedPairs(rules: Self.rules(item["pairs"]))
            #expect(
                pairs.fill(RememberedKeysTests.response(response), messages: messages, tools: schemas)
                    == RememberedKeysTests.response(filled), "\(name)")
        }
    }

    static func specialist(_ name: String, pairs: Any) throws -> URL {
        try RememberedKeysTests.copy(name, feature: "quoted_pairs", value: pairs)
    }

    /// The tiny specialist, whose `cancel_booking` is given a second required string argument `note`,
    /// told that `cancel_booking`'s `note`, `booking_id` and `book_table`'s `date`, `restaurant` are
    /// the question's two quoted spans, in that order (the tiny model calls either tool for most
    /// questions; the grammar makes it write the required keys, the fill must write the spans).
    @Test func aSpecialistWithTheFeatureAnswersWithTheQuotedSpans() throws {
        let rules = [
            ["tool": "cancel_booking", "keys": ["note", "booking_id"]],
            ["tool": "book_table", "keys": ["date", "restaurant"]],
        ]
        let directory = try Self.specialist("specialist-quoted-pairs", pairs: ["pairs": rules, "counts": [:]])
        defer { try? FileManager.default.removeItem(at: directory) }
        let specURL = directory.appendingPathComponent("specialist.json")
        var spec = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: specURL)) as? [String: Any])
        spec["tools"] = try #require(spec["tools"] as? [[String: Any]]).map { tool in
            guard tool["name"] as? String == "cancel_booking" else { return tool }
            return ["name": "cancel_booking", "parameters": [
                "type": "object", "required": ["booking_id", "note"],
                "properties": ["booking_id": ["type": "string"], "note": ["type": "string"]],
            ]]
        }
        try JSONSerialization.data(withJSONObject: spec).write(to: specURL)
        let specialist = try Specialist(directory: directory)
        #expect(specialist.quotedPairs?.rules.map(\.tool) == ["cancel_booking", "book_table"])
        let keys = ["cancel_booking": ("note", "booking_id"), "book_table": ("date", "restaurant")]
        var filled = 0
        var texts: [String] = []
        for (question, spans) in [
            ("Cancel booking 'BK-77' for 4 people, reason 'plans changed'.", ("BK-77", "plans changed")),
            ("Book a table at 'Luigi' for 4 people on '2026-05-01' at 19:30.", ("Luigi", "2026-05-01")),
            ("Please call off reservation \"R2\" for 2 at 'Luigi' tonight.", ("R2", "Luigi")),
        ] {
            let answer = try specialist.answer([.init(role: "user", content: question)])
            texts.append(answer.text)
            for call in answer.response?.toolCalls ?? [] {
                guard let (first, second) = keys[call.name], case .object(let members) = call.arguments else {
                    continue
                }
                let written = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
                guard written[first] != nil, written[second] != nil else { continue }
                filled += 1
                #expect(written[first] == .string(spans.0) && written[second] == .string(spans.1), "\(call)")
            }
        }
        #expect(filled > 0, "\(texts)")
    }

    @Test func aToolListedTwiceOrMalformedPairsAreRefusedNamingTheField() throws {
        let twice = [
            ["tool": "book_table", "keys": ["restaurant", "date"]], ["tool": "book_table", "keys": ["date", "time"]],
        ]
        let broken: [Any] = [
            ["counts": [:]], ["pairs": [["tool": "book_table", "keys": ["restaurant"]]]],
            ["pairs": [["tool": "book_table", "keys": ["date", "date"]]]], ["pairs": twice],
        ]
        for value in broken {
            let directory = try Self.specialist("specialist-quoted-pairs-broken", pairs: value)
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect {
                _ = try Specialist(directory: directory)
            } throws: { error in
                "\(error)".contains("quoted_pairs") && "\(error)".contains("specialist.json")
            }
        }
    }
}
