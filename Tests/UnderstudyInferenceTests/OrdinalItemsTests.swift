import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `ordinal_items` (distill/trainer/ordinal_items.py): the trainer's golden file
/// holds conversations, the question's ordinal ("first" / "last"), the latest listed tool result and
/// answers before and after the fill; Swift must agree. FillOrderTests runs it, loaded from
/// specialist.json, in its place among the other fills.
struct OrdinalItemsTests {
    @Test func goldenCasesFillLikeTheTrainer() throws {
        let golden = try DistinctCallsTests.goldenLines("ordinal_items.jsonl")
        #expect(golden.count >= 8)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], let response = item["response"],
                let filled = item["filled"], let ordinal = item["ordinal"], let listed = item["listed"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let messages = list.map(PromptRenderer.Message.init(json:))
            let expectedOrdinal: String? = if case .string(let word) = ordinal { word } else { nil }
            #expect(OrdinalItems.ordinal(RetrievalHint.queryText(messages)) == expectedOrdinal, "\(name)")
            let expectedList: [String]? = listed == .null ? nil : RememberedKeysTests.strings(listed)
            #expect(OrdinalItems.listedResult(messages) == expectedList, "\(name)")
            let fill = OrdinalItems(keys: Set(RememberedKeysTests.strings(item["keys"])))
            #expect(
                fill.fill(RememberedKeysTests.response(response), messages: messages)
                    == RememberedKeysTests.response(filled), "\(name)")
        }
    }

    @Test func aMalformedEntryIsRefusedNamingTheField() throws {
        try RememberedKeysTests.expectRefused("ordinal_items", values: [["counts": [:]], ["keys": "symbol"], ["keys": [3]]])
    }
}
