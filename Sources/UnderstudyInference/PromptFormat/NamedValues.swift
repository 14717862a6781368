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

    /// Reads `named_values` of specialist.json (`{"arguments": [{"tool", "key"}], "counts": {...}}`).
    init(_ value: OrderedJSON?, path: String) throws {
        let items = try PromptFeatureList.items(value, list: "arguments", feature: Self.feature, path: path)
        self.init(
            rules: try items.map { item in
                guard case .string(let tool)? = item["tool"], case .string(let key)? = item["key"] else {
                    throw InferenceError.invalidConfig(
                        path, field: "named_values.arguments", "holds \(item.jsonText), not {\"tool\", \"key\"}")
                }
                return Rule(tool: tool, key: key)
            })
    }

    static let quotesOpen = "'\"`\u{2018}\u{201C}"
    static let quotesClose = "'\"`\u{2019}\u{201D}"
    /// A quoted span: the opening quote after no letter or digit (not the apostrophe of "I've"), the
    /// closing one before none; BFCL mixes quote kinds ('Urgent Change in Travel Plans’).
    static let quoted = try! NSRegularExpression(
        pattern: "(?<![A-Za-z0-9])[\(quotesOpen)]([^\\n]+?)[\(quotesClose)](?![A-Za-z0-9])")
    static let number = try! NSRegularExpression(
        pattern: "(?<![A-Za-z0-9.])[0-9]+(?:\\.[0-9]+)?(?![A-Za-z0-9]|\\.[0-9])")
    /// At most 3 words (ASCII letter runs) and no quote, digit or line break between a key's name
    /// word and the value it names ("priority level of 3").
    static let gap = try! NSRegularExpression(
        pattern: "\\A[^A-Za-z0-9\\n\(quotesOpen)\(quotesClose)]*"
            + "(?:[A-Za-z]+[^A-Za-z0-9\\n\(quotesOpen)\(quotesClose)]*){0,3}\\z")

    /// The text's quoted spans (UTF-16 offset of the opening quote, inner text without a last comma:
    /// "named 'Flight Cancellation Alert,' detailing …" puts the sentence's comma inside), in order.
    public static func quotedSpans(_ text: NSString) -> [(start: Int, span: String)] {
        quoted.matches(in: text as String, range: NSRange(location: 0, length: text.length)).map { match in
            let inner = text.substring(with: match.range(at: 1))
            return (match.range.location, inner.hasSuffix(",") ? String(inner.dropLast()) : inner)
        }
    }

    /// Where each name word of `key` ends (a word starting with the key, either case); none for a
    /// key that is not ASCII letters.
    public static func nameWords(_ text: NSString, key: String) -> [Int] {
        guard !key.isEmpty, key.unicodeScalars.allSatisfy({ $0.isASCII && $0.properties.isAlphabetic }) else { return [] }
        let letters = key.map { "[\($0.lowercased())\($0.uppercased())]" }.joined()
        let regex = try! NSRegularExpression(pattern: "(?<![A-Za-z0-9_])" + letters + "[A-Za-z]*")
        return regex.matches(in: text as String, range: NSRange(location: 0, length: text.length)).map {
            $0.range.location + $0.range.length
        }
    }

    /// Whether the name word ending at `wordEnd` names a value starting at `valueStart`.
    static func names(_ text: NSString, wordEnd: Int, valueStart: Int) -> Bool {
        guard wordEnd <= valueStart else { return false }
        let between = text.substring(with: NSRange(location: wordEnd, length: valueStart - wordEnd))
        return gap.firstMatch(in: between, range: NSRange(location: 0, length: (between as NSString).length)) != nil
    }

    /// The number the first naming name word of `key` names in `text`, as written.
    public static func namedNumber(_ text: NSString, key: String) -> String? {
        for end in nameWords(text, key: key) {
            // Transparent bounds: the number's look-behind sees the text before the name word's end.
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
    /// before the span that names it (ties: the key last in order; keys are ASCII letters).
    public static func claimedSpans(_ text: NSString, keys: [String]) -> [(key: String?, span: String)] {
        var words: [(end: Int, key: String)] = []
        for key in Set(keys) {
            for end in nameWords(text, key: key) { words.append((end: end, key: key)) }
        }
        words.sort { first, second in first.end != second.end ? first.end < second.end : first.key < second.key }
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

    /// Every top-level string key of the tools (the keys that claim spans).
    public static func stringKeys(_ tools: [String: OrderedJSON]) -> [String] {
        tools.values.flatMap { parameters -> [String] in
            guard case .object(let properties)? = parameters["properties"] else { return [] }
            return properties.filter { kind($0.value) == "string" }.map(\.key)
        }
    }

    /// The response with each listed argument a call writes set to the value the question names,
    /// typed by `tools` (each tool's `parameters` schema by name).
    public func fill(
        _ response: AnswerRestorer.Response, messages: [PromptRenderer.Message], tools: [String: OrderedJSON]
    ) -> AnswerRestorer.Response {
        guard !rules.isEmpty, !response.toolCalls.isEmpty else { return response }
        let question = RetrievalHint.queryText(messages) as NSString
        let claimed = Self.claimedSpans(question, keys: Self.stringKeys(tools))
        var filled = response
        for index in filled.toolCalls.indices {
            let call = filled.toolCalls[index]
            guard case .object(let members) = call.arguments,
                case .object(let properties)? = tools[call.name]?["properties"]
            else { continue }
            let written = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            let mine = properties.filter { rules.contains(Rule(tool: call.name, key: $0.key)) && written[$0.key] != nil }
            let strings = mine.filter { property in
                guard Self.kind(property.value) == "string", case .string(let text)? = written[property.key] else {
                    return false
                }
                return !text.isEmpty
            }.map(\.key)
            var values: [String: OrderedJSON] = [:]
            // (1) the span the key's own name word names; (2) the unclaimed spans in order.
            for key in strings {
                if let own = claimed.first(where: { $0.key == key }) { values[key] = .string(own.span) }
            }
            var free = claimed.filter { $0.key == nil }.map(\.span)
            for key in strings where values[key] == nil && !free.isEmpty {
                values[key] = .string(free.removeFirst())
            }
            // (3) the number the key's name word names.
            for property in mine where Self.kind(property.value) == "number" {
                if case .bool? = written[property.key] { continue }
                if let found = Self.namedNumber(question, key: property.key) {
                    values[property.key] = AnswerRestorer.coerce(.init(text: found, kind: "number"), property.value)
                }
            }
            guard !values.isEmpty else { continue }
            filled.toolCalls[index].arguments = .object(members.map { ($0.key, values[$0.key] ?? $0.value) })
        }
        return filled
    }
}
