import Foundation

/// Value spans of free text (prompt format v1, "Value slots"): quoted text, bare tokens with a
/// digit or `_ @ . /`, all-capital words, and runs of capitalised words that do not start a
/// sentence are replaced by slot tokens; with prompt feature `tag_slots`, `#word` and `@word` too.
/// The regexes are the trainer's, in ASCII mode.
enum SlotScanner {
    static let word = "[A-Za-z0-9_]"

    /// A bare token is a value when it holds a digit, or `_ @ . /` (ids, file names, emails).
    static func isValueToken(_ token: String) -> Bool {
        token.contains { $0.isASCII && $0.isNumber } || token.contains { "_@./".contains($0) }
    }
    nonisolated(unsafe) static let span = try! NSRegularExpression(
        pattern: "(?<!\(word))'([^'\\n]{1,100})'(?!\(word))"
            + "|\"([^\"\\n]{1,100})\""
            + "|`([^`\\n]{1,100})`"
            + "|(?<![A-Za-z0-9_.@/:+\\-])(-?[A-Za-z0-9_](?:[A-Za-z0-9_.@/:+\\-]*\(word))?)")
    /// Prompt feature `tag_slots`: the same alternatives and a fifth, `#word` / `@word` with its sign.
    nonisolated(unsafe) static let spanWithTags = try! NSRegularExpression(
        pattern: span.pattern + "|(?<![A-Za-z0-9_#@])([#@][A-Za-z0-9_]+)")
    nonisolated(unsafe) static let titleRun = try! NSRegularExpression(pattern: "(?: [A-Z][a-z]+)+(?!\(word))")
    nonisolated(unsafe) static let titleWord = try! NSRegularExpression(pattern: "^[A-Z][a-z]+$")
    nonisolated(unsafe) static let allCaps = try! NSRegularExpression(pattern: "^[A-Z]{2,}$")

    static func fullMatch(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func isSentenceStart(_ text: NSString, _ start: Int) -> Bool {
        var i = start
        while i > 0 && text.character(at: i - 1) == 0x20 { i -= 1 }
        if i == 0 { return true }
        let c = text.character(at: i - 1)
        return ".!?:;\"'(\n".utf16.contains(c)
    }

    static func slotText(_ text: String, _ table: inout PromptSlotTable) -> String {
        let ns = text as NSString
        var out = ""
        var last = 0
        var position = 0
        while position <= ns.length,
            let match = (table.tags ? spanWithTags : span).firstMatch(
                in: text, options: [.withTransparentBounds, .withoutAnchoringBounds],
                range: NSRange(location: position, length: ns.length - position))
        {
            position = match.range.location + match.range.length
            var end = position
            let value: String
            if let group = (1...3).first(where: { match.range(at: $0).location != NSNotFound }) {
                value = ns.substring(with: match.range(at: group))
            } else if table.tags, match.range(at: 5).location != NSNotFound {
                value = ns.substring(with: match.range(at: 5))
            } else {
                var token = ns.substring(with: match.range(at: 4))
                if fullMatch(titleWord, token) && !isSentenceStart(ns, match.range.location) {
                    if let run = titleRun.firstMatch(
                        in: text, options: [.anchored, .withTransparentBounds, .withoutAnchoringBounds],
                        range: NSRange(location: end, length: ns.length - end))
                    {
                        end = run.range.location + run.range.length
                        token = ns.substring(
                            with: NSRange(location: match.range.location, length: end - match.range.location))
                    }
                } else if !(isValueToken(token) || fullMatch(allCaps, token))
                {
                    continue
                }
                value = token
            }
            guard let index = table.add(value, kind: PromptSlotTable.isNumberText(value) ? "number" : "string") else {
                continue
            }
            out += ns.substring(with: NSRange(location: last, length: match.range.location - last))
            out += "<S\(index)>"
            last = end
            position = end
        }
        out += ns.substring(from: last)
        return out
    }
}
