import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `call_limit` (distill/trainer/call_limit.py): the trainer's golden file holds
/// questions with their limits, generated answer texts and what the rule cuts them to; Swift must
/// count and cut alike, and stop generating once a call past the limit starts.
struct CallLimitTests {
    @Test func goldenCasesLimitAndCutLikeTheTrainer() throws {
        let golden = try DistinctCallsTests.goldenLines("call_limit.jsonl")
        #expect(golden.count >= 8)
        for item in golden {
            guard case .string(let name)? = item["name"], case .string(let question)? = item["question"],
                case .string(let text)? = item["text"], case .string(let cut)? = item["cut"],
                let expected = item["limit"]
            else { throw ReferenceError("incomplete golden case \(item.jsonText)") }
            let limit = CallLimit.limit(question: question)
            #expect(limit.map { OrderedJSON.number(String($0)) } ?? .null == expected, "\(name)")
            #expect((limit.map { CallLimit.cut(text, limit: $0) } ?? text) == cut, "\(name)")
        }
    }

    static let tokens: [String] = [
        #"{"content":null,"tool_calls":["#, #"{"name":<S1>,"arguments":{"#, #""<S2>":"#, "<S0>", "}}", ",",
        #""a },{ ]""#, "]}",
    ]

    /// Whether generation has stopped after each of `ids`, under a limit.
    static func stops(_ ids: [Int32], limit: Int) throws -> [Bool] {
        let index = VocabularyIndex(
            size: tokens.count, tokens: tokens.enumerated().map { (Int32($0.offset), Array($0.element.utf8)) })
        let stop = CallLimit.stop(DistinctCallsTests.Anything(), index: index, limit: limit)
        return try ids.map { id in
            try stop.accept(id)
            return stop.isComplete
        }
    }

    @Test func generationStopsWhenACallPastTheLimitStarts() throws {
        let call: [Int32] = [1, 2, 3, 4]
        // Limit 1: the `,` after the first call stops it; the call itself does not.
        #expect(try Self.stops([0] + call + [5], limit: 1) == [false, false, false, false, false, true])
        // Limit 2: the first `,` does not, the second does.
        #expect(try Self.stops([0] + call + [5] + call + [5], limit: 2) == Array(repeating: false, count: 10) + [true])
        // A `,` inside a string starts no call.
        #expect(try Self.stops([0, 1, 2, 6, 4, 7], limit: 1) == [false, false, false, false, false, false])
    }
}
