import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `complete_calls` (distill/trainer/complete_calls.py): the trainer's golden file
/// holds answer texts cut at max_new_tokens and what the rule leaves; Swift must leave the same.
struct CompleteCallsTests {
    @Test func goldenCasesKeepTheFinishedCallsLikeTheTrainer() throws {
        let golden = try DistinctCallsTests.goldenLines("complete_calls.jsonl")
        #expect(golden.count >= 8)
        for item in golden {
            guard case .string(let name)? = item["name"], case .string(let text)? = item["text"],
                case .string(let cut)? = item["cut"]
            else { throw ReferenceError("incomplete golden case \(item.jsonText)") }
            #expect(CompleteCalls.keepComplete(text) == cut, "\(name)")
        }
    }

    @Test func aCutAnswerParsesWithItsFinishedCalls() throws {
        let cut =
            #"{"content":null,"tool_calls":[{"name":"ticket_login","arguments":{"username":"tech_guru"}},"#
            + #"{"name":"create_ticket","arguments":{"title":"A"}},{"name":"create_ticket","argum"#
        let kept = try OrderedJSON.parse(CompleteCalls.keepComplete(cut))
        guard case .array(let calls)? = kept["tool_calls"] else {
            throw ReferenceError("no tool_calls in \(kept.jsonText)")
        }
        #expect(
            calls.compactMap { call -> String? in
                if case .string(let name)? = call["name"] { return name } else { return nil }
            } == ["ticket_login", "create_ticket"])
    }
}
