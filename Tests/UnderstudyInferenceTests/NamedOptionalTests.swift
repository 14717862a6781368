import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `named_optional` (distill/trainer/named_optional.py): the trainer's golden file
/// holds conversations, listed arguments and answers before and after the fill; Swift must agree,
/// and refuse a malformed entry naming the field.
struct NamedOptionalTests {
    static let golden = TestEnvironment.repositoryRoot.appendingPathComponent(
        "distill/trainer/tests/golden/named_optional.jsonl")

    @Test func goldenCasesFillLikeTheTrainer() throws {
        let golden = try String(contentsOf: Self.golden, encoding: .utf8).split(separator: "\n").map {
            try OrderedJSON.parse(String($0))
        }
        #expect(golden.count >= 6)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .array(let listed)? = item["arguments"],
                let response = item["response"], let filled = item["filled"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let rules = listed.compactMap { rule -> NamedValues.Rule? in
                guard case .string(let tool)? = rule["tool"], case .string(let key)? = rule["key"] else { return nil }
                return .init(tool: tool, key: key)
            }
            let optional = NamedOptional(rules: rules)
            #expect(
                optional.fill(RememberedKeysTests.response(response), messages: list.map(RetrievalHintTests.message))
                    == RememberedKeysTests.response(filled), "\(name)")
        }
    }

    @Test func aMalformedEntryIsRefusedNamingTheField() throws {
        try RememberedKeysTests.expectRefused(
            "named_optional", values: [["counts": [:]], ["arguments": [["tool": "create_ticket"]]]])
    }
}
