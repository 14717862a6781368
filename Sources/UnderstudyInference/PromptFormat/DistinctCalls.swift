/// Prompt feature `distinct_calls` (distill/trainer/distinct_calls.py, PROMPT_FORMAT.md "Prompt
/// features"): an answer ends at its first call that repeats an earlier call of the same answer,
/// which is dropped. A scratch specialist that has written a call sometimes writes it again until
/// `max_new_tokens` cuts the answer; no training answer of the clusters that list the feature
/// repeats a call. Nothing is added to the prompt.
///
/// ```swift
/// DistinctCalls.cutRepeats(#"{"content":null,"tool_calls":[{"name":"ls","arguments":{}},{"name":"ls","arguments":{}}"#)
/// // {"content":null,"tool_calls":[{"name":"ls","arguments":{}}]}
/// ```
public enum DistinctCalls {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "distinct_calls"

    static let head = Array(#"{"content":null,"tool_calls":["#.utf8)

    /// The complete calls' byte ranges after the response head, in order (none without the head).
    static func calls(_ text: [UInt8]) -> [Range<Int>] {
        guard text.starts(with: head) else { return [] }
        var calls: [Range<Int>] = []
        var position = head.count
        while position < text.count, text[position] == UInt8(ascii: "{"), let end = objectEnd(text, position) {
            calls.append(position..<end)
            guard end < text.count, text[end] == UInt8(ascii: ",") else { break }
            position = end + 1
        }
        return calls
    }

    /// The index after the `}` closing the object opened at `start`; JSON strings are skipped.
    static func objectEnd(_ text: [UInt8], _ start: Int) -> Int? {
        var depth = 0
        var inString = false
        var position = start
        while position < text.count {
            let byte = text[position]
            if inString {
                if byte == UInt8(ascii: "\\") {
                    position += 1
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { return position + 1 }
            }
            position += 1
        }
        return nil
    }

    /// The index of the first call whose text equals an earlier call's.
    static func firstRepeat(_ text: [UInt8], _ calls: [Range<Int>]) -> Int? {
        var seen = Set<ArraySlice<UInt8>>()
        for (index, call) in calls.enumerated() {
            if !seen.insert(text[call]).inserted { return index }
        }
        return nil
    }

    /// The answer text ended before its first repeated call; unchanged when no call repeats.
    public static func cutRepeats(_ text: String) -> String {
        let bytes = Array(text.utf8)
        let calls = calls(bytes)
        guard let repeatIndex = firstRepeat(bytes, calls) else { return text }
        let kept = calls[..<repeatIndex].map { String(decoding: bytes[$0], as: UTF8.self) }
        return String(decoding: head, as: UTF8.self) + kept.joined(separator: ",") + "]}"
    }

    /// Stops generation once a call that repeats an earlier one is complete (`TextStop`; then
    /// `cutRepeats` gives the answer a full-length generation would have given).
    public static func stop(_ inner: any TokenConstraint, index: VocabularyIndex) -> TextStop {
        TextStop(inner, index: index) { text, last in
            last.contains(UInt8(ascii: "}")) && Self.firstRepeat(text, Self.calls(text)) != nil
        }
    }
}
