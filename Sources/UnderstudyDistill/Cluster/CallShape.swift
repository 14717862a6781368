import UnderstudyWire

/// The structure of one call, apart from its topic: how many tools the request offered and what
/// kind of answer it got. Two calls about the same subject are different tasks when one asks the
/// model to fill in the one function it is given and the other to choose among several, or when
/// one is answered with a single call, another with several calls at once and a third with text
/// (a request no offered tool fits). The embedding of the conversation sees the subject, not this.
///
/// ```swift
/// let shape = CallShape(toolCount: 3, response: CanonicalResponse(toolCalls: [call]))
/// shape.offered  // .several
/// shape.answer   // .oneCall
/// ```
public struct CallShape: Sendable, Hashable {
    /// How many tools the request offered, bucketed: what the router can see before answering.
    public enum Offered: String, Sendable, Hashable, CaseIterable, Comparable {
        case none, one, several

        public init(toolCount: Int) {
            self = toolCount == 0 ? .none : toolCount == 1 ? .one : .several
        }

        public static func < (a: Offered, b: Offered) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// What the recorded answer was.
    public enum Answer: String, Sendable, Hashable, CaseIterable, Comparable {
        case text
        case oneCall = "one_call"
        case severalCalls = "several_calls"

        public init(_ response: CanonicalResponse?) {
            let calls = response?.toolCalls.count ?? 0
            self = calls == 0 ? .text : calls == 1 ? .oneCall : .severalCalls
        }

        public static func < (a: Answer, b: Answer) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public var offered: Offered
    public var answer: Answer

    public init(offered: Offered, answer: Answer) {
        self.offered = offered
        self.answer = answer
    }

    public init(toolCount: Int, response: CanonicalResponse?) {
        self.init(offered: Offered(toolCount: toolCount), answer: Answer(response))
    }

    /// Whether the answer kind tells tasks apart among these calls (conversation id, answer).
    ///
    /// In a multi-turn agent one task answers with calls, then, once the results are in, with
    /// text: there the answer kind is a step of the task, and splitting on it would cut
    /// conversations in two. It counts as part of the task only when the conversations keep one
    /// answer kind throughout: at least `consistency` of those with two or more calls do (calls
    /// in single-call conversations always do).
    public static func answerDistinguishesTasks(
        _ calls: [(conversation: String, answer: Answer)], consistency: Double
    ) -> Bool {
        var answers: [String: Set<Answer>] = [:]
        var sizes: [String: Int] = [:]
        for call in calls {
            answers[call.conversation, default: []].insert(call.answer)
            sizes[call.conversation, default: 0] += 1
        }
        let multiTurn = sizes.filter { $0.value >= 2 }.map(\.key)
        guard !multiTurn.isEmpty else { return true }
        let consistent = multiTurn.filter { answers[$0]!.count == 1 }.count
        return Double(consistent) >= consistency * Double(multiTurn.count)
    }
}
