/// Which rule judged an answer. Chosen per exchange from the shape of the recorded answer
/// (`ResponseComparator.kind(for:)`).
public enum ComparatorKind: String, Sendable, Codable, CaseIterable {
    /// Tool calls, with the semantics of BFCL's AST checker.
    case toolCalls = "tool_calls"
    /// Text content that is a JSON document: semantic equality.
    case json
    /// Free text: embedding cosine and ROUGE-L, both at or above their thresholds.
    case text
    /// Short or empty answers: equal after trimming whitespace.
    case exact
}

/// The outcome of comparing a specialist's answer with the recorded one.
///
/// `reason` is for people reading the report: it names the first difference found
/// ("argument 'city': expected "Paris", got "Lyon"") or why the answer passed.
public struct Comparison: Sendable, Equatable {
    public var kind: ComparatorKind
    public var match: Bool
    public var reason: String
    /// Text comparator only: cosine of the two embeddings and ROUGE-L F1.
    public var cosine: Double?
    public var rougeL: Double?

    public init(kind: ComparatorKind, match: Bool, reason: String, cosine: Double? = nil, rougeL: Double? = nil) {
        self.kind = kind
        self.match = match
        self.reason = reason
        self.cosine = cosine
        self.rougeL = rougeL
    }

    static func pass(_ kind: ComparatorKind, _ reason: String) -> Comparison {
        Comparison(kind: kind, match: true, reason: reason)
    }

    static func fail(_ kind: ComparatorKind, _ reason: String) -> Comparison {
        Comparison(kind: kind, match: false, reason: reason)
    }
}
