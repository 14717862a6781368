import Foundation

/// Prompt feature `unit_numbers` (distill/trainer/unit_numbers.py, PROMPT_FORMAT.md "Prompt
/// features"): number argument keys whose value, in the training answers, is the number the
/// question writes right before the key's name, as a unit ("13.2 gallons" → `gallon: 13.2`). A
/// small model wrote a literal of other training answers there (`gallon: 40`). After decoding, each
/// listed number argument a call writes gets the question's sole unit number for its key, typed by
/// the tool's schema as a cue value is. Applied after `shaped_values`, before `quoted_pairs`.
/// Nothing is added to the prompt.
///
/// ```swift
/// let units = UnitNumbers(keys: ["gallon", "liter"])
/// let filled = units.fill(response, messages: messages, tools: specialist.tools)
/// ```
public struct UnitNumbers: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "unit_numbers"

    /// The listed keys (specialist.json `unit_numbers.keys`).
    public let keys: Set<String>

    public init(keys: Set<String>) {
        self.keys = keys
    }

    /// Reads `unit_numbers` of specialist.json (`{"keys": [...], "counts": {...}}`).
    init(_ value: OrderedJSON?, path: String) throws {
        keys = try PromptFeatureList.strings(value, list: "keys", feature: Self.feature, path: path)
    }

    /// The unit numbers' pattern of `key` (group 1 the number): a number not preceded by an ASCII
    /// letter, digit, `_`, `.`, `,` or `-` (a negative number's digits are not its value), spaces or
    /// tabs, then a word starting with the key in either case; nil for a key not made of ASCII
    /// letters. Explicit ASCII classes, as in unit_numbers.py.
    static func pattern(_ key: String) -> NSRegularExpression? {
        guard !key.isEmpty, key.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        let letters = key.map { "[\($0.lowercased())\($0.uppercased())]" }.joined()
        return try? NSRegularExpression(
            pattern: "(?<![A-Za-z0-9_.,-])([0-9]+(?:\\.[0-9]+)?)[ \\t]+" + letters + "[A-Za-z]*(?![A-Za-z0-9_])")
    }

    /// The key's one distinct unit number in `text` (by value), as first written; nil for none or two.
    public static func soleUnitNumber(in text: String, key: String) -> String? {
        guard let regex = pattern(key) else { return nil }
        var values = Set<Double>()
        var first: String?
        for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(match.range(at: 1), in: text), let value = Double(text[range]) else { continue }
            if values.insert(value).inserted && first == nil { first = String(text[range]) }
        }
        return values.count == 1 ? first : nil
    }

    /// The response with each listed argument a call writes as a number set to the question's sole
    /// unit number for its key, typed by `tools` (each tool's `parameters` schema by name) as a cue
    /// value is; a key the called tool's schema does not type `integer` or `number`, and a number
    /// the schema's type cannot take ("13.2" for an integer), keep the written value.
    public func fill(
        _ response: AnswerRestorer.Response, messages: [PromptRenderer.Message], tools: [String: OrderedJSON]
    ) -> AnswerRestorer.Response {
        guard !keys.isEmpty, !response.toolCalls.isEmpty else { return response }
        let question = RetrievalHint.queryText(messages)
        var sole: [String: String] = [:]
        for key in keys { sole[key] = Self.soleUnitNumber(in: question, key: key) }
        return response.replacingArguments(tools: tools) { _, key, written, schema in
            guard case .number = written, let number = sole[key],
                ["integer", "number"].contains(AnswerRestorer.schemaType(schema))
            else { return nil }
            let value = CueValues.typed(number, schema)
            return ShapedValues.fits(value, schema) ? value : nil
        }
    }
}
