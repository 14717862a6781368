import Foundation

/// Prompt feature `call_limit` (distill/trainer/call_limit.py, PROMPT_FORMAT.md "Prompt features"):
/// on requests that bring their own tools, an answer keeps at most as many calls as its question
/// asks for — its clauses (`ClauseTools.clauses`) plus its list separators (`,`, ` and `, ` or `).
/// A scratch specialist that has written the one call a question asks for often goes on calling
/// the same tool with the question's other values. Nothing is added to the prompt.
///
/// ```swift
/// CallLimit.limit(question: "Find the achievements of Lionel Messi.")   // 1
/// CallLimit.cut(#"{"content":null,"tool_calls":[{"name":<S1>,"arguments":{}},{"name":<S1>,"arguments":{}}"#, limit: 1)
/// // {"content":null,"tool_calls":[{"name":<S1>,"arguments":{}}]}
/// ```
public enum CallLimit {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "call_limit"

    nonisolated(unsafe) static let separators = try! NSRegularExpression(pattern: ",| and | or ")

    /// How many calls the question may get: its clauses plus its separators; nil without words.
    public static func limit(question: String) -> Int? {
        let clauses = ClauseTools.clauses(question).count
        guard clauses > 0 else { return nil }
        return clauses + separators.numberOfMatches(in: question, range: NSRange(question.startIndex..., in: question))
    }

    /// The answer text ended after its first `limit` complete calls when `,` follows the last of
    /// them (another call starts); unchanged otherwise.
    public static func cut(_ text: String, limit: Int) -> String {
        let bytes = Array(text.utf8)
        let calls = DistinctCalls.calls(bytes)
        guard limit > 0, calls.count >= limit, followed(bytes, calls[limit - 1]) else { return text }
        let kept = calls.prefix(limit).map { String(decoding: bytes[$0], as: UTF8.self) }
        return String(decoding: DistinctCalls.head, as: UTF8.self) + kept.joined(separator: ",") + "]}"
    }

    /// Whether `,` comes right after the call (another call starts).
    static func followed(_ text: [UInt8], _ call: Range<Int>) -> Bool {
        call.upperBound < text.count && text[call.upperBound] == UInt8(ascii: ",")
    }

    /// Stops generation at the `,` that opens a call past the limit (`TextStop`; then `cut` gives
    /// the answer a full-length generation would have given).
    public static func stop(_ inner: any TokenConstraint, index: VocabularyIndex, limit: Int) -> TextStop {
        TextStop(inner, index: index) { text, last in
            guard limit > 0, last.contains(UInt8(ascii: ",")) else { return false }
            let calls = DistinctCalls.calls(text)
            return calls.count >= limit && Self.followed(text, calls[limit - 1])
        }
    }
}
