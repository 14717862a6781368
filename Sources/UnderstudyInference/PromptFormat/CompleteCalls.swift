/// Prompt feature `complete_calls` (distill/trainer/complete_calls.py, PROMPT_FORMAT.md "Prompt
/// features"): an answer cut at `max_new_tokens` keeps its finished calls, closed; only the
/// unfinished call at its end is dropped. Without it the whole answer is unparsable and the right
/// calls before the cut are lost (a scratch specialist that writes `create_ticket` again and again
/// until the token limit). Nothing is added to the prompt and nothing is learnt: a cut answer is
/// never right as written.
///
/// ```swift
/// CompleteCalls.keepComplete(#"{"content":null,"tool_calls":[{"name":"ls","arguments":{}},{"name":"c"#)
/// // {"content":null,"tool_calls":[{"name":"ls","arguments":{}}]}
/// ```
public enum CompleteCalls {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "complete_calls"

    /// The answer text with only its finished calls, closed by `]}` (a finished answer is that
    /// already); unchanged when it has no finished call or is not a call answer (no response head).
    public static func keepComplete(_ text: String) -> String {
        let bytes = Array(text.utf8)
        let calls = DistinctCalls.calls(bytes)
        guard !calls.isEmpty else { return text }
        return String(decoding: DistinctCalls.head, as: UTF8.self)
            + calls.map { String(decoding: bytes[$0], as: UTF8.self) }.joined(separator: ",") + "]}"
    }
}
