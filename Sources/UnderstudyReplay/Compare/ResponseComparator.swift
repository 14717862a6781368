import Foundation
import UnderstudyWire

/// Picks the comparator for each exchange from the recorded answer and applies it:
///
/// | recorded answer | comparator |
/// | --- | --- |
/// | has tool calls | `ToolCallComparator` (text alongside calls is not judged, as in BFCL) |
/// | text that is a JSON object or array | `JSONComparator` |
/// | no text and no calls, or at most `exactWordLimit` words (labels, yes/no) | exact, after trimming and case folding |
/// | other text | `TextComparator` |
///
/// ```swift
/// let comparator = ResponseComparator(text: .locatingEmbedder())
/// let verdict = comparator.compare(expected: recorded, actual: answer)
/// ```
public struct ResponseComparator: Sendable {
    public var toolCalls = ToolCallComparator()
    public var json = JSONComparator()
    public var text: TextComparator
    /// Answers of at most this many words are compared exactly: embeddings say little about
    /// "positive" versus "negative".
    public var exactWordLimit: Int

    public init(text: TextComparator, exactWordLimit: Int = 3) {
        self.text = text
        self.exactWordLimit = exactWordLimit
    }

    public func kind(for expected: CanonicalResponse) -> ComparatorKind {
        if !expected.toolCalls.isEmpty { return .toolCalls }
        guard let content = expected.content, !content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return .exact
        }
        if JSONComparator.document(content) != nil { return .json }
        if RougeL.tokens(content).count <= exactWordLimit { return .exact }
        return .text
    }

    public func compare(expected: CanonicalResponse, actual: CanonicalResponse) -> Comparison {
        let kind = kind(for: expected)
        if kind != .toolCalls, !actual.toolCalls.isEmpty {
            return .fail(kind, "unexpected tool calls: \(actual.toolCalls.map(\.name).joined(separator: ", ")) (the recorded answer has none)")
        }
        switch kind {
        case .toolCalls:
            return toolCalls.compare(expected: expected.toolCalls, actual: actual.toolCalls)
        case .json:
            return json.compare(expected: expected.content, actual: actual.content)
        case .text:
            return text.compare(expected: expected.content ?? "", actual: actual.content)
        case .exact:
            let want = Self.folded(expected.content)
            let got = Self.folded(actual.content)
            if want == got { return .pass(.exact, want.isEmpty ? "empty answer, as recorded" : "same answer") }
            return .fail(
                .exact,
                "expected \(JSONDifference.excerpt(.string(want))), got \(JSONDifference.excerpt(.string(got)))")
        }
    }

    static func folded(_ text: String?) -> String {
        (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}
