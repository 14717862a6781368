import Foundation

/// Prompt feature `unit_exponents` (distill/trainer/unit_exponents.py, PROMPT_FORMAT.md "Prompt
/// features"; requests that bring their own tools): a number value slot that the user text writes
/// only as a unit's exponent (`2` of `m/s^2`, `3` of `g/cm^3`) is never written as an argument
/// value. The slot scanner makes these numbers slots, no BFCL generic training answer copies one,
/// and a scratch specialist does (`time` = the `2` of `m/s^2`). Nothing is added to the prompt.
///
/// ```swift
/// UnitExponents.slots(table, userText: "acceleration of 5 m/s^2 and time of 6 seconds")
/// // the index of the slot "2" (the slots "5" and "6" stay writable)
/// ```
public enum UnitExponents {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "unit_exponents"

    /// The number value slots whose every whole occurrence in `userText` follows `^`.
    public static func slots(_ table: PromptSlotTable, userText: String) -> Set<Int> {
        let bytes = Array(userText.utf8)
        return Set(
            table.slots.indices.filter { index in
                let slot = table.slots[index]
                guard slot.kind == "number", !slot.isToolName, !slot.isKey else { return false }
                let starts = occurrences(of: slot.text, in: userText)
                return !starts.isEmpty && starts.allSatisfy { $0 > 0 && bytes[$0 - 1] == UInt8(ascii: "^") }
            })
    }

    /// The user messages' contents joined by a newline (where the question's values are written).
    public static func userText(_ messages: [PromptRenderer.Message]) -> String {
        messages.filter { $0.role == "user" }.map { $0.content ?? "" }.joined(separator: "\n")
    }

    /// UTF-8 offsets of `text` in `haystack` where the byte before is no ASCII letter, digit or
    /// `.` and the byte after no ASCII letter or digit (a following `.` is allowed: the `2` of
    /// `2.5` is an occurrence).
    static func occurrences(of text: String, in haystack: String) -> [Int] {
        let pattern = "(?<![0-9A-Za-z.])" + NSRegularExpression.escapedPattern(for: text) + "(?![0-9A-Za-z])"
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let utf8 = haystack.utf8
        return regex.matches(in: haystack, range: NSRange(haystack.startIndex..., in: haystack)).compactMap {
            Range($0.range, in: haystack).map { utf8.distance(from: utf8.startIndex, to: $0.lowerBound) }
        }
    }
}
