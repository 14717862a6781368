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
        let golden = try GoldenCases.read(Self.golden)
        #expect(golden.count >= 6)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .array? = item["arguments"],
                let response = item["response"], let filled = item["filled"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let optional = NamedOptional(rules: NamedValuesTests.rules(item["arguments"]))
            #expect(
                optional.fill(RememberedKeysTests.response(response), messages: list.map(PromptRenderer.Message.init(json:)))
                    == RememberedKeysTests.response(filled), "\(name)")
        }
    }

    @Test func aMalformedEntryIsRefusedNamingTheField() throws {
        try RememberedKeysTests.expectRefused(
            "named_optional", values: [["counts": [:]], ["arguments": [["tool": "create_ticket"]]]])
    }
}
