import Foundation

/// Prompt feature `named_calls` (distill/trainer/named_calls.py, PROMPT_FORMAT.md "Prompt
/// features"): a call the question asks for by naming every required argument of its tool ("user
/// name tech_guru, password securePass123" → BFCL ticket's `ticket_login` before `create_ticket`).
/// A small model writes the second call and leaves the first out; after decoding, an answer with
/// calls, none to a listed tool the question names, gets that call first, its required arguments
/// set to the values the question names for them. Applied after `single_calls`, before
/// `named_optional`. Nothing is added to the prompt.
///
/// ```swift
/// let named = NamedCalls(tools: ["ticket_login"], words: ["username"])
/// let filled = named.fill(response, messages: messages, tools: grammar.schemas)
/// ```
public struct NamedCalls: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "named_calls"

    /// The listed tools, in file order (specialist.json `named_calls.tools`).
    public let tools: [String]
    /// The keys whose training values include a word that is no value token ("mthompson"): only
    /// they take such a word after "is" / ":" (specialist.json `named_calls.words`).
    public let words: Set<String>

    public init(tools: [String], words: Set<String> = []) {
        self.tools = tools
        self.words = words
    }

    /// Reads `named_calls` of specialist.json (`{"tools": [...], "words": [...], "counts": {...}}`);
    /// a file without `words` (written before 2026-11-28 16:30 UTC) lets no key take such a word.
    init(_ value: OrderedJSON?, path: String) throws {
        tools = try PromptFeatureList.items(value, list: "tools", feature: Self.feature, path: path).map { item in
            guard case .string(let name) = item else {
                throw InferenceError.invalidConfig(
                    path, field: "named_calls.tools", "holds \(item.jsonText), not a string")
            }
            return name
        }
        words = value?["words"] == nil
            ? [] : try PromptFeatureList.strings(value, list: "words", feature: Self.feature, path: path)
    }

    /// What may stand between a name phrase and its value: a space, "is" or a colon ("username:tech_guru").
    static let beforeValue = try! NSRegularExpression(pattern: "\\s*:\\s*|\\s+is\\s+|\\s+")
    /// Characters stripped from the end of a value word ("tech_guru," → "tech_guru").
    static let wordEnd: Set<Character> = [".", ",", ";", ")"]
    /// Quotes around a word whose quoted span does not close ("password is 'SecurePass123" ends
    /// the question): the value is the word without them (`NamedValues.anyQuote`).
    static let quotes = Set(NamedValues.anyQuote)

    /// A word starting with `key` (letters in either case), or the key split once into two whole
    /// words ("user name" for `username`; "I deleted" is no phrase of `id`).
    static func phrase(_ key: String) -> NSRegularExpression {
        let letters = key.map { "[\($0.lowercased())\($0.uppercased())]" }
        let splits = (1..<max(key.count, 1)).map {
            letters[..<$0].joined() + " " + letters[$0...].joined() + "(?![A-Za-z])"
        }
        let alternatives = splits + [letters.joined() + "[A-Za-z]*"]
        return try! NSRegularExpression(pattern: "(?<![A-Za-z0-9_])(?:\(alternatives.joined(separator: "|")))")
    }

    /// Where each name phrase of `key` ends (outside every quoted span); none for a key that is not
    /// ASCII letters.
    public static func namePhrases(_ text: NSString, key: String) -> [Int] {
        guard !key.isEmpty, key.unicodeScalars.allSatisfy({ $0.isASCII && $0.properties.isAlphabetic }) else {
            return []
        }
        let quoted = NamedValues.quotes(text).map(\.range)
        return phrase(key).matches(in: text as String, range: NamedValues.whole(text)).compactMap { match in
            let start = match.range.location
            guard !quoted.contains(where: { start >= $0.location && start < $0.location + $0.length }) else {
                return nil
            }
            return start + match.range.length
        }
    }

    /// The tool's required keys, in the schema's key order (keys the properties lack last).
    static func requiredKeys(_ parameters: OrderedJSON?) -> [String] {
        guard case .array(let list)? = parameters?["required"] else { return [] }
        let required = list.compactMap { item -> String? in if case .string(let key) = item { key } else { nil } }
        var properties: [String] = []
        if case .object(let members)? = parameters?["properties"] { properties = members.map(\.key) }
        let rank = { (key: String) in properties.firstIndex(of: key) ?? properties.count }
        return required.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(
            \.element)
    }

    /// The value the question names for `key`: the first quoted span the key claims
    /// (`NamedValues.claimedSpans` over `keys`, by their name phrases), else the whole
    /// space-delimited word right after one of its name phrases or after "is" / ":" there (any
    /// trailing `.,;)` stripped, then any leading or trailing quote) when it holds an ASCII letter or
    /// digit and is a value token (`SlotScanner.isValueToken`), or follows "is" / ":" and `key` is
    /// one of `words`: "password Pa$$w0rd"; "username is mzhang" with `username` in `words`; not
    /// "username for ticket 42", "password is unchanged" (`password` not in `words`), "username is —".
    public static func namedValue(
        _ question: NSString, key: String, keys: [String], words: Set<String> = []
    ) -> String? {
        if let claimed = NamedValues.claimedSpans(question, keys: keys, wordsOf: namePhrases).first(where: {
            $0.key == key
        }) {
            return claimed.span
        }
        for end in namePhrases(question, key: key) {
            let rest = NSRange(location: end, length: question.length - end)
            guard let gap = beforeValue.firstMatch(in: question as String, options: [.anchored], range: rest) else {
                continue
            }
            let after = question.substring(from: gap.range.location + gap.range.length)
            var word = String(after.prefix { !$0.isWhitespace })
            while let last = word.last, wordEnd.contains(last) { word.removeLast() }
            while let last = word.last, quotes.contains(last) { word.removeLast() }
            while let first = word.first, quotes.contains(first) { word.removeFirst() }
            // a word of punctuation only is never a value ("username is — bob"); after "is" or ":"
            // a word that is no value token only for a key whose training values hold one
            // ("username is mzhang"; "password is unchanged" is none where passwords have digits)
            guard word.contains(where: { $0.isASCII && ($0.isLetter || $0.isNumber) }) else { continue }
            let explicit = !question.substring(with: gap.range).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            if SlotScanner.isValueToken(word) || (explicit && words.contains(key)) { return word }
        }
        return nil
    }

    /// The response with a call to each listed tool the question names (every required key has a
    /// name phrase and a named value) and the response leaves out, before its first call; a text
    /// answer is unchanged. `tools`: each tool's `parameters` schema by name.
    public func fill(
        _ response: AnswerRestorer.Response, messages: [PromptRenderer.Message], tools: [String: OrderedJSON]
    ) -> AnswerRestorer.Response {
        guard !self.tools.isEmpty, !response.toolCalls.isEmpty else { return response }
        let question = RetrievalHint.queryText(messages) as NSString
        var added: [AnswerRestorer.Response.ToolCall] = []
        for name in self.tools where !response.toolCalls.contains(where: { $0.name == name }) {
            let required = Self.requiredKeys(tools[name])
            guard !required.isEmpty, required.allSatisfy({ !Self.namePhrases(question, key: $0).isEmpty }) else {
                continue
            }
            let keys = NamedValues.stringKeys(tools) + required
            let values = required.map { Self.namedValue(question, key: $0, keys: keys, words: words) }
            guard values.allSatisfy({ $0 != nil }) else { continue }
            let schema = tools[name]?["properties"]
            added.append(
                .init(
                    name: name,
                    arguments: .object(zip(required, values).map { ($0, CueValues.typed($1!, schema?[$0])) })))
        }
        guard !added.isEmpty else { return response }
        var filled = response
        filled.toolCalls = added + response.toolCalls
        return filled
    }
}
