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
    /// In single-turn traffic each request is a whole task, and how it was answered is part of
    /// what was asked. In a multi-turn agent one task answers with calls and then, once the
    /// results are in, with text: there the answer kind is a step of the task, and splitting on
    /// it would cut conversations in two. So it counts only when at least `singleTurnShare` of
    /// the calls are conversations of their own.
    public static func answerDistinguishesTasks(_ conversations: [String], singleTurnShare: Double) -> Bool {
        guard !conversations.isEmpty else { return false }
        var sizes: [String: Int] = [:]
        for conversation in conversations { sizes[conversation, default: 0] += 1 }
        let alone = sizes.values.filter { $0 == 1 }.count
        return Double(alone) >= singleTurnShare * Double(conversations.count)
    }
}
