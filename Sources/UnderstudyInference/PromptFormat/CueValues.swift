import Foundation

/// Prompt feature `cue_values` (distill/trainer/cue_values.py, PROMPT_FORMAT.md "Prompt features"):
/// arguments whose value the question names right after a cue word the training answers showed
/// ("card with id 1432" → `card_id` "1432" on BFCL travel). A small model with recency-numbered slots
/// writes another of the message's values there; after decoding, each listed argument a call writes
/// gets the cue's value, typed by the tool's schema as a slot is. Applied before `remembered_keys`, so
/// a key the conversation remembers keeps that feature's value. Nothing is added to the prompt.
///
/// ```swift
/// let cues = CueValues(rules: [.init(tool: "book_flight", key: "card_id", cue: "id")])
/// let filled = cues.fill(response, messages: messages, tools: specialist.tools)
/// ```
public struct CueValues: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "cue_values"

    /// One listed argument: calls to `tool` writing `key` get the value after `cue`.
    public struct Rule: Sendable, Equatable {
        public let tool: String
        public let key: String
        public let cue: String

        public init(tool: String, key: String, cue: String) {
            self.tool = tool
            self.key = key
            self.cue = cue
        }
    }

    /// The listed arguments (specialist.json `cue_values.arguments`).
    public let rules: [Rule]
    let patterns: [String: NSRegularExpression]

    public init(rules: [Rule]) {
        self.rules = rules
        patterns = Dictionary(
            rules.map { ($0.cue, Self.pattern($0.cue)) }, uniquingKeysWith: { first, _ in first })
    }

    /// Reads `cue_values` of specialist.json (`{"arguments": [{"tool", "key", "cue"}], "counts": {...}}`).
    init(_ value: OrderedJSON?, path: String) throws {
        let items = try PromptFeatureList.items(value, list: "arguments", feature: Self.feature, path: path)
        let rules = try items.map { item in
            guard case .string(let tool)? = item["tool"], case .string(let key)? = item["key"],
                case .string(let cue)? = item["cue"], !cue.isEmpty,
                cue.unicodeScalars.allSatisfy({ $0.isASCII && $0.properties.isAlphabetic })
            else {
                throw InferenceError.invalidConfig(
                    path, field: "cue_values.arguments", "holds \(item.jsonText), not {\"tool\", \"key\", \"cue\": ASCII letters}")
            }
            return Rule(tool: tool, key: key, cue: cue)
        }
        // The trainer lists each (tool, key) once; two cues for one argument have no order to pick by.
        var listed = Set<[String]>()
        for rule in rules where !listed.insert([rule.tool, rule.key]).inserted {
            throw InferenceError.invalidConfig(
                path, field: "cue_values.arguments", "lists \(rule.tool).\(rule.key) twice")
        }
        self.init(rules: rules)
    }

    /// The cue, its letters in either case, after no letter, digit or `_`; then 1–3 separators and
    /// the value, which must end its word ("limit 1500.50", "19:30", "john@x.com" give none).
    static func pattern(_ cue: String) -> NSRegularExpression {
        // Each character escaped: `init(rules:)` takes any cue, and a `[` must match itself.
        let letters = cue.map { c in
            "(?:" + NSRegularExpression.escapedPattern(for: c.lowercased()) + "|"
                + NSRegularExpression.escapedPattern(for: c.uppercased()) + ")"
        }.joined()
        return try! NSRegularExpression(
            pattern: "(?<![A-Za-z0-9_])" + letters + "[ \\t'\"=:]{1,3}([A-Za-z0-9_\\-]+)(?![.@/:]?[A-Za-z0-9_\\-])")
    }

    /// The value `text` names right after `cue`, or nil.
    public static func value(in text: String, cue: String) -> String? {
        values(in: text, pattern(cue)).first
    }

    /// Every value `text` names right after the cue, in order.
    static func values(in text: String, _ regex: NSRegularExpression) -> [String] {
        regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    /// A cue value typed by the schema of the argument it fills, as a slot of that text is.
    static func typed(_ found: String, _ schema: OrderedJSON?) -> OrderedJSON {
        AnswerRestorer.coerce(.init(text: found, kind: PromptSlotTable.isNumberText(found) ? "number" : "string"), schema)
    }

    /// The response with each listed argument a call writes set to the question's cue value, typed
    /// by `tools` (each tool's `parameters` schema by name).
    public func fill(
        _ response: AnswerRestorer.Response, messages: [PromptRenderer.Message], tools: [String: OrderedJSON]
    ) -> AnswerRestorer.Response {
        guard !rules.isEmpty, !response.toolCalls.isEmpty else { return response }
        let question = RetrievalHint.queryText(messages)
        return response.replacingArguments(tools: tools) { tool, key, written, schema in
            guard let rule = rules.first(where: { $0.tool == tool && $0.key == key }), let regex = patterns[rule.cue]
            else { return nil }
            let found = Self.values(in: question, regex)
            // The model picked a value the cue names (not the first): keep it.
            guard let first = found.first,
                !found.contains(where: { written == .string($0) || AnswerRestorer.sameValue(Self.typed($0, schema), written) })
            else { return nil }
            return Self.typed(first, schema)
        }
    }
}
