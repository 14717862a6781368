import Foundation

/// Prompt feature `worded_values` (distill/trainer/worded_values.py, PROMPT_FORMAT.md "Prompt
/// features"): argument keys whose value, in the training answers, is the value the question
/// writes after the key spelt as words ("a client ID of my_client_id" → `client_id:
/// "my_client_id"`, "the last name being Thompson" → `user_last_name: "Thompson"`). A small model
/// copied the wrong spans there. After decoding, each listed argument a call writes gets the
/// question's named value for its key, typed by the tool's schema as a cue value is. Applied after
/// `longest_spans`, before `cue_values`. Nothing is added to the prompt.
///
/// ```swift
/// let worded = WordedValues(keys: ["client_id", "grant_type"])
/// let filled = worded.fill(response, messages: messages, tools: specialist.tools)
/// ```
public struct WordedValues: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "worded_values"
    /// How many tokens after a phrase may hold its value ("grant type should be set to read_write").
    static let maxTokens = 5

    /// The listed keys (specialist.json `worded_values.keys`).
    public let keys: Set<String>

    public init(keys: Set<String>) {
        self.keys = keys
    }

    /// Reads `worded_values` of specialist.json (`{"keys": [...], "counts": {...}}`).
    init(_ value: OrderedJSON?, path: String) throws {
        keys = try PromptFeatureList.strings(value, list: "keys", feature: Self.feature, path: path)
    }

    static let lead = try! NSRegularExpression(pattern: "[ \\t]*[:=][ \\t]*|[ \\t]+")
    static let token = try! NSRegularExpression(pattern: "[^ \\t\\n\\r\\f\\u000B]+")
    static let gap = try! NSRegularExpression(pattern: "[ \\t]+")
    static let sentenceEnd = Set(".,;:!?)".unicodeScalars)
    static let quotes = Set(NamedValues.anyQuote.unicodeScalars)

    /// The phrase patterns of `key`, longest first: its words (the key split at `_`) from any one to
    /// the last, at least two, joined by a space or `_`, each letter in either case, not inside a
    /// longer word; none for a key that is not two or more words of ASCII letters.
    static func phrases(_ key: String) -> [NSRegularExpression] {
        let words = key.split(separator: "_", omittingEmptySubsequences: false)
        guard words.count >= 2, words.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isLetter } })
        else { return [] }
        return (0..<(words.count - 1)).compactMap { first in
            let spelt = words[first...].map { word in
                word.map { "[\($0.lowercased())\($0.uppercased())]" }.joined()
            }.joined(separator: "[ _]")
            return try? NSRegularExpression(pattern: "(?<![A-Za-z0-9_])" + spelt + "(?![A-Za-z0-9_])")
        }
    }

    /// A token without its sentence's punctuation: `. , ; : ! ? )` at its end, `(` at its start,
    /// then quotes at both ends (worded_values.py `_stripped`).
    static func stripped(_ token: String) -> String {
        var scalars = Array(token.unicodeScalars)
        while let last = scalars.last, sentenceEnd.contains(last) { scalars.removeLast() }
        while let first = scalars.first, first == "(" { scalars.removeFirst() }
        while let first = scalars.first, quotes.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, quotes.contains(last) { scalars.removeLast() }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars)
        return String(text)
    }

    static func isLowercase(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) }
    }

    static func anchored(_ regex: NSRegularExpression, _ text: NSString, at: Int) -> NSRange? {
        regex.firstMatch(in: text as String, options: .anchored,
                         range: NSRange(location: at, length: text.length - at))?.range
    }

    /// The value a phrase ending at UTF-16 offset `end` names in `text`, nil for none.
    static func value(after end: Int, in text: NSString, spans: [Int: String]) -> String? {
        guard let lead = anchored(lead, text, at: end) else { return nil }
        var at = lead.location + lead.length
        for _ in 0..<maxTokens {
            guard let range = anchored(token, text, at: at) else { return nil }
            if let span = spans[range.location] { return span }
            let written = text.substring(with: range)
            let word = stripped(written)
            if word.unicodeScalars.contains(where: { $0.isASCII && $0.properties.isAlphabetic || ("0"..."9").contains($0) }),
                !isLowercase(word)
            {
                return word
            }
            guard isLowercase(written), let space = anchored(gap, text, at: range.location + range.length)
            else { return nil }
            at = space.location + space.length
        }
        return nil
    }

    /// The key's one distinct named value in `text`, nil for none or two different ones.
    public static func namedValue(in text: String, key: String) -> String? {
        let string = text as NSString
        let spans = Dictionary(NamedValues.quotedSpans(string).map { ($0.start, $0.span) }, uniquingKeysWith: { first, _ in first })
        var found = Set<String>()
        for regex in phrases(key) {
            for match in regex.matches(in: text, range: NamedValues.whole(string)) {
                if let value = value(after: match.range.location + match.range.length, in: string, spans: spans) {
                    found.insert(value)
                }
            }
        }
        return found.count == 1 ? found.first : nil
    }

    /// The response with each listed argument a call writes as a string or number set to the
    /// question's named value for its key, typed by `tools` (each tool's `parameters` schema by
    /// name) as a cue value is; a value the schema's type cannot take keeps the written one.
    public func fill(
        _ response: AnswerRestorer.Response, messages: [PromptRenderer.Message], tools: [String: OrderedJSON]
    ) -> AnswerRestorer.Response {
        guard !keys.isEmpty, !response.toolCalls.isEmpty else { return response }
        let question = RetrievalHint.queryText(messages)
        var named: [String: String] = [:]
        for key in keys { named[key] = Self.namedValue(in: question, key: key) }
        return response.replacingArguments(tools: tools) { _, key, written, schema in
            guard let found = named[key] else { return nil }
            switch written {
            case .string, .number: break
            default: return nil
            }
            let value = CueValues.typed(found, schema)
            return ShapedValues.fits(value, schema) ? value : nil
        }
    }
}
