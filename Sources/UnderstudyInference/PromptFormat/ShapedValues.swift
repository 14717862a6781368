import Foundation

/// Prompt feature `shaped_values` (distill/trainer/shaped_values.py, PROMPT_FORMAT.md "Prompt
/// features"): argument keys whose value, in the training answers, is the question's only word of
/// one shape — an all-capitals word (a stock `symbol`: "Could we eliminate BDX from my list?") or a
/// dollar amount (`insurance_cost`: "insurance for $120"). No cue word stands right before these
/// values, so `cue_values` cannot name them; a small model with recency-numbered slots writes an
/// earlier value there. After decoding, each listed argument a call writes gets the question's sole
/// word of its shape, typed by the tool's schema as a slot is. Applied after `cue_values`, before
/// `quoted_pairs`. Nothing is added to the prompt.
///
/// ```swift
/// let shaped = ShapedValues(rules: [.init(key: "symbol", shape: .capitals)])
/// let filled = shaped.fill(response, messages: messages, tools: specialist.tools)
/// ```
public struct ShapedValues: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "shaped_values"

    /// A kind of word the question writes a value as.
    public enum Shape: String, Sendable, CaseIterable {
        /// Two or more ASCII capitals and digits starting with a capital (`BDX`, `A320`).
        case capitals
        /// A `$` right before a number; the word is the number without its thousands commas.
        case dollars

        /// The shape's pattern and the capture group that holds the word (0: the whole match).
        var pattern: (regex: NSRegularExpression, group: Int) {
            switch self {
            case .capitals: return (Self.capitalsRegex, 0)
            case .dollars: return (Self.dollarsRegex, 1)
            }
        }

        /// Refused next to what continues a word: a non-ASCII letter ("MÜNCHEN"), a `-` ("X-RAY",
        /// "COVID-19"), a `.` followed by a letter or digit ("BRK.B"); explicit classes, not `\w`
        /// (ICU's and Python's differ), as in shaped_values.py.
        static let capitalsRegex = try! NSRegularExpression(
            pattern: "(?<![A-Za-z0-9_.\\-\\u0080-\\U0010FFFF])[A-Z][A-Z0-9]+"
                + "(?![A-Za-z0-9_\\-\\u0080-\\U0010FFFF]|\\.[A-Za-z0-9])")
        static let dollarsRegex = try! NSRegularExpression(
            pattern: "\\$([0-9]+(?:,[0-9]{3})*(?:\\.[0-9]+)?)(?![0-9.,]?[0-9])")
    }

    /// One listed argument key: calls writing `key` get the question's sole word of `shape`.
    public struct Rule: Sendable, Equatable {
        public let key: String
        public let shape: Shape

        public init(key: String, shape: Shape) {
            self.key = key
            self.shape = shape
        }
    }

    /// The listed argument keys (specialist.json `shaped_values.arguments`).
    public let rules: [Rule]

    public init(rules: [Rule]) {
        self.rules = rules
    }

    /// Reads `shaped_values` of specialist.json (`{"arguments": [{"key", "shape"}], "counts": {...}}`).
    init(_ value: OrderedJSON?, path: String) throws {
        let items = try PromptFeatureList.items(value, list: "arguments", feature: Self.feature, path: path)
        let rules = try items.map { item in
            guard case .string(let key)? = item["key"], case .string(let name)? = item["shape"],
                let shape = Shape(rawValue: name)
            else {
                throw InferenceError.invalidConfig(
                    path, field: "shaped_values.arguments",
                    "holds \(item.jsonText), not {\"key\", \"shape\": one of \(Shape.allCases.map(\.rawValue))}")
            }
            return Rule(key: key, shape: shape)
        }
        // The trainer lists each key once; two shapes for one key have no order to pick by.
        var listed = Set<String>()
        for rule in rules where !listed.insert(rule.key).inserted {
            throw InferenceError.invalidConfig(path, field: "shaped_values.arguments", "lists \(rule.key) twice")
        }
        self.init(rules: rules)
    }

    /// The distinct words of `shape` in `text` (dollar amounts by value), in order of first occurrence.
    public static func words(in text: String, shape: Shape) -> [String] {
        let (regex, group) = shape.pattern
        var seen = Set<String>()
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            guard let range = Range(match.range(at: group), in: text) else { return nil }
            let word = text[range].replacingOccurrences(of: ",", with: "")
            return seen.insert(sameWord(word, shape: shape)).inserted ? word : nil
        }
    }

    /// What makes two words of `shape` one: a dollar amount's value ("120.00" and "120" are one).
    static func sameWord(_ word: String, shape: Shape) -> String {
        guard shape == .dollars, word.contains(".") else { return word }
        var value = Substring(word)
        while value.last == "0" { value.removeLast() }
        if value.last == "." { value.removeLast() }
        return String(value)
    }

    /// Whether a typed word is of the schema's type where the word's JSON type can miss it: an
    /// `integer` needs a whole number, a `number` a number (any type fits any other schema).
    static func fits(_ value: OrderedJSON, _ schema: OrderedJSON?) -> Bool {
        guard case .number(let text) = value else { return !["integer", "number"].contains(AnswerRestorer.schemaType(schema)) }
        // `coerce` writes a whole number for an integer as digits alone (Python's int)
        return AnswerRestorer.schemaType(schema) != "integer" || text.allSatisfy { $0 == "-" || $0.isASCII && $0.isNumber }
    }

    /// The one distinct word of `shape` in `text`, or nil (none, or two different ones).
    public static func soleWord(in text: String, shape: Shape) -> String? {
        let found = words(in: text, shape: shape)
        return found.count == 1 ? found[0] : nil
    }

    /// The response with each listed argument a call writes set to the question's sole word of the
    /// argument's shape, typed by `tools` (each tool's `parameters` schema by name) as a cue value is.
    public func fill(
        _ response: AnswerRestorer.Response, messages: [PromptRenderer.Message], tools: [String: OrderedJSON]
    ) -> AnswerRestorer.Response {
        guard !rules.isEmpty, !response.toolCalls.isEmpty else { return response }
        let question = RetrievalHint.queryText(messages)
        var sole: [String: String] = [:]
        for rule in rules { sole[rule.key] = Self.soleWord(in: question, shape: rule.shape) }
        return response.replacingArguments(tools: tools) { _, key, _, schema in
            // a word the schema's type cannot take ("1500.50" for an integer) leaves the written value
            sole[key].map { CueValues.typed($0, schema) }.flatMap { Self.fits($0, schema) ? $0 : nil }
        }
    }
}
