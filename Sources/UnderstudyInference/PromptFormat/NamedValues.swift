import Foundation

/// Prompt feature `named_values` (distill/trainer/named_values.py, PROMPT_FORMAT.md "Prompt
/// features"): arguments the question names by a quoted span or a number after the argument's own
/// name ("titled 'Billing Concern'", "priority level of 3"), or by its quoted spans in order (BFCL
/// ticket's `create_ticket` `title`, `description`, `priority`). A small model invents such values
/// or swaps them; after decoding, each listed argument a call writes gets the value the question
/// names for it. Applied after `single_calls`, before the other fills. Nothing is added to the prompt.
///
/// ```swift
/// let named = NamedValues(rules: [.init(tool: "create_ticket", key: "title")])
/// let filled = named.fill(response, messages: messages, tools: grammar.schemas)
/// ```
public struct NamedValues: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "named_values"

    /// One listed argument: calls to `tool` writing `key` take the value the question names.
    public struct Rule: Sendable, Hashable {
        public let tool: String
        public let key: String

        public init(tool: String, key: String) {
            self.tool = tool
            self.key = key
        }
    }

    /// The listed arguments (specialist.json `named_values.arguments`).
    public let rules: Set<Rule>

    public init(rules: [Rule]) {
        self.rules = Set(rules)
    }

    static let anyQuote = "'\"`\u{2018}\u{2019}\u{201C}\u{201D}"
    /// A quoted span: the opening quote after no letter, digit or quote (not the apostrophe of
    /// "I've", not the second quote of an empty pair), the closing one before no letter or digit; a
    /// single quote closes a single one, a double quote a double one, straight or curly (BFCL mixes
    /// them: 'Urgent Change in Travel Plans’). An empty pair opens none.
    static let quoted = try! NSRegularExpression(
        pattern: "(?<![A-Za-z0-9\(anyQuote)])"
            + "(?:['\u{2018}](?!['\u{2019}])([^\\n]+?)['\u{2019}]"
            + "|[\"\u{201C}](?![\"\u{201D}])([^\\n]+?)[\"\u{201D}]|`(?!`)([^\\n]+?)`)(?![A-Za-z0-9])")
    /// A number: optional sign after a space or the text's start ("priority -3", not "priority-2"),
    /// digits with an optional decimal part, not part of "1,000" or "1.5.2".
    static let number = try! NSRegularExpression(
        pattern: "(?:(?<!\\S)-)?(?<![A-Za-z0-9.])(?<![0-9],)[0-9]+(?:\\.[0-9]+)?(?![A-Za-z0-9]|\\.[0-9]|,[0-9]{3})")
    /// At most 3 words (ASCII letter runs) and no quote, digit, line break or sentence end (.;!?)
    /// between a key's name word and the value it names ("priority level of 3").
    static let gap = try! NSRegularExpression(
        pattern: "\\A[^A-Za-z0-9\\n.;!?\(anyQuote)]*(?:[A-Za-z]+[^A-Za-z0-9\\n.;!?\(anyQuote)]*){0,3}\\z")
    /// A word of ASCII letters (the candidates for name words).
    static let word = try! NSRegularExpression(pattern: "(?<![A-Za-z0-9_])[A-Za-z]+")

    static func whole(_ text: NSString) -> NSRange { NSRange(location: 0, length: text.length) }

    /// (UTF-16 range of the span with its quotes, inner text without a last comma) of each quoted
    /// span, in order; spans left empty by dropping the comma (',') are none.
    static func quotes(_ text: NSString) -> [(range: NSRange, span: String)] {
        quoted.matches(in: text as String, range: whole(text)).compactMap { match in
            guard let inner = (1...3).map({ match.range(at: $0) }).first(where: { $0.location != NSNotFound })
            else { return nil }
            let span = text.substring(with: inner)
            let trimmed = span.hasSuffix(",") ? String(span.dropLast()) : span
            return trimmed.isEmpty ? nil : (match.range, trimmed)
        }
    }

    /// The text's quoted spans (UTF-16 offset of the opening quote, inner text without a last comma:
    /// "named 'Flight Cancellation Alert,' detailing …" puts the sentence's comma inside), in order.
    public static func quotedSpans(_ text: NSString) -> [(start: Int, span: String)] {
        quotes(text).map { ($0.range.location, $0.span) }
    }

    /// Where each name word of `key` ends (a word outside every quoted span starting with the key,
    /// either case); none for a key that is not ASCII letters.
    public static func nameWords(_ text: NSString, key: String) -> [Int] {
        guard !key.isEmpty, key.unicodeScalars.allSatisfy({ $0.isASCII && $0.properties.isAlphabetic }) else { return [] }
        let prefix = key.lowercased()
        let quoted = quotes(text).map(\.range)
        return word.matches(in: text as String, range: whole(text)).compactMap { match in
            let start = match.range.location
            guard text.substring(with: match.range).lowercased().hasPrefix(prefix),
                !quoted.contains(where: { start >= $0.location && start < $0.location + $0.length })
            else { return nil }
            return start + match.range.length
        }
    }

    /// Whether the name word ending at `wordEnd` names a value starting at `valueStart`.
    static func names(_ text: NSString, wordEnd: Int, valueStart: Int) -> Bool {
        guard wordEnd <= valueStart else { return false }
        let between = text.substring(with: NSRange(location: wordEnd, length: valueStart - wordEnd))
        return gap.firstMatch(in: between, range: whole(between as NSString)) != nil
    }

    /// The number the first naming name word of `key` names in `text`, as written (with its sign).
    public static func namedNumber(_ text: NSString, key: String) -> String? {
        for end in nameWords(text, key: key) {
            // Transparent bounds: the number's look-behinds see the text before the name word's end.
            if let match = number.firstMatch(
                in: text as String, options: [.withTransparentBounds],
                range: NSRange(location: end, length: text.length - end)),
                names(text, wordEnd: end, valueStart: match.range.location)
            {
                return text.substring(with: match.range)
            }
        }
        return nil
    }

    /// Each quoted span with the key that claims it (nil: none): the key of the nearest name word
    /// before the span that names it; of keys sharing a prefix ("desc", "description") whose name
    /// word is the same word, the one last in code-point order (the longer) claims.
    /// `wordsOf`: where a key's name words end (`NamedCalls` passes its name phrases).
    public static func claimedSpans(
        _ text: NSString, keys: [String], wordsOf: (NSString, String) -> [Int] = { nameWords($0, key: $1) }
    ) -> [(key: String?, span: String)] {
        var words: [(end: Int, key: String)] = []
        for key in Set(keys) {
            for end in wordsOf(text, key) { words.append((end: end, key: key)) }
        }
        words.sort { first, second in
            first.end != second.end
                ? first.end < second.end : Array(first.key.utf8).lexicographicallyPrecedes(second.key.utf8)
        }
        return quotedSpans(text).map { quote -> (key: String?, span: String) in
            let naming = words.last { word in names(text, wordEnd: word.end, valueStart: quote.start) }
            return (naming?.key, quote.span)
        }
    }

    static func kind(_ schema: OrderedJSON?) -> String {
        switch schema?["type"] {
        case .string("integer")?, .string("number")?: "number"
        case .string("string")?: "string"
        default: ""
        }
    }

    /// Every top-level string key of the tools (the keys that claim spans), sorted (the tools come
    /// as a dictionary; which keys, not their order, decides the claims).
    public static func stringKeys(_ tools: [String: OrderedJSON]) -> [String] {
        Set(tools.values.flatMap { parameters -> [String] in
            guard case .object(let properties)? = parameters["properties"] else { return [] }
            return properties.filter { kind($0.value) == "string" }.map(\.key)
        }).sorted()
    }

    /// The response with each listed argument a call writes set to the value the question names,
    /// typed by `tools` (each tool's `parameters` schema by name). A tool the response calls more
    /// than once keeps its calls as written (which of the question's values each call means is not
    /// known).
    public func fill(
        _ response: AnswerRestorer.Response, messages: [PromptRenderer.Message], tools: [String: OrderedJSON]
    ) -> AnswerRestorer.Response {
        guard !rules.isEmpty, !response.toolCalls.isEmpty else { return response }
        let question = RetrievalHint.queryText(messages) as NSString
        let claimed = Self.claimedSpans(question, keys: Self.stringKeys(tools))
        let calls = Dictionary(response.toolCalls.map { ($0.name, 1) }, uniquingKeysWith: +)
        var filled = response
        for (index, call) in response.toolCalls.enumerated() where calls[call.name] == 1 {
            guard case .object(let members) = call.arguments,
                case .object(let properties)? = tools[call.name]?["properties"]
            else { continue }
            // The string values the other calls write: spans they hold are taken.
            var taken = Set<String>()
            for (other, otherCall) in response.toolCalls.enumerated() where other != index {
                guard case .object(let otherMembers) = otherCall.arguments else { continue }
                for member in otherMembers { if case .string(let text) = member.value { taken.insert(text) } }
            }
            let values = fill(
                members, properties: properties, tool: call.name, question: question, claimed: claimed, taken: taken)
            guard !values.isEmpty else { continue }
            filled.toolCalls[index].arguments = .object(members.map { ($0.key, values[$0.key] ?? $0.value) })
        }
        return filled
    }

    /// The values the fill gives one call's listed arguments (distill/trainer/named_values.py
    /// `filled_call`): (1) the span the key's own name word names; (2) the unclaimed spans no other
    /// argument holds, in order; (3) the number the key's name word names.
    func fill(
        _ members: [(key: String, value: OrderedJSON)], properties: [(key: String, value: OrderedJSON)], tool: String,
        question: NSString, claimed: [(key: String?, span: String)], taken: Set<String>
    ) -> [String: OrderedJSON] {
        let written = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let mine = properties.filter { rules.contains(Rule(tool: tool, key: $0.key)) && written[$0.key] != nil }
        let strings = mine.filter { property in
            guard Self.kind(property.value) == "string", case .string(let text)? = written[property.key] else {
                return false
            }
            return !text.isEmpty
        }.map(\.key)
        var values: [String: OrderedJSON] = [:]
        for key in strings {
            if let own = claimed.first(where: { $0.key == key }) { values[key] = .string(own.span) }
        }
        let inOrder = strings.filter { values[$0] == nil }
        var held = taken
        for (key, value) in written where !inOrder.contains(key) {
            if case .string(let text) = values[key] ?? value { held.insert(text) }
        }
        let free = claimed.filter { $0.key == nil && !held.contains($0.span) }.map(\.span)
        for (key, span) in zip(inOrder, free) { values[key] = .string(span) }
        for property in mine where Self.kind(property.value) == "number" {
            // A written boolean or null is kept (null: the user asked for none, as an empty string).
            switch written[property.key] {
            case .bool?, .null?: continue
            default: break
            }
            if let found = Self.namedNumber(question, key: property.key) {
                values[property.key] = AnswerRestorer.coerce(.init(text: found, kind: "number"), property.value)
            }
        }
        return values
    }
}
