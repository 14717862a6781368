import Foundation

/// Prompt feature `quoted_pairs` (distill/trainer/quoted_pairs.py, PROMPT_FORMAT.md "Prompt
/// features"): two-argument tools whose arguments are the question's two quoted spans, in the
/// order the question names them ("compare 'History101.txt' and 'History202.txt'" → `diff`
/// `file_name1`, `file_name2` on BFCL file_system). A small model with recency-numbered slots writes
/// one of the two spans twice; after decoding, each call to a listed tool that writes both keys gets
/// the spans in order when the question quotes exactly two. Applied after `cue_values`, before
/// `remembered_keys`. Nothing is added to the prompt.
///
/// ```swift
/// let pairs = QuotedPairs(rules: [.init(tool: "diff", first: "file_name1", second: "file_name2")])
/// let filled = pairs.fill(response, messages: messages, tools: specialist.tools)
/// ```
public struct QuotedPairs: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "quoted_pairs"

    /// One listed tool: its calls writing `first` and `second` get the question's two spans in order.
    public struct Rule: Sendable, Equatable {
        public let tool: String
        public let first: String
        public let second: String

        public init(tool: String, first: String, second: String) {
            self.tool = tool
            self.first = first
            self.second = second
        }
    }

    /// The listed tools (specialist.json `quoted_pairs.pairs`).
    public let rules: [Rule]

    public init(rules: [Rule]) {
        self.rules = rules
    }

    /// Reads `quoted_pairs` of specialist.json (`{"pairs": [{"tool", "keys": [k1, k2]}], "counts": {...}}`).
    init(_ value: OrderedJSON?, path: String) throws {
        let items = try PromptFeatureList.items(value, list: "pairs", feature: Self.feature, path: path)
        let rules = try items.map { item in
            guard case .string(let tool)? = item["tool"], case .array(let keys)? = item["keys"], keys.count == 2,
                case .string(let first) = keys[0], case .string(let second) = keys[1], first != second
            else {
                throw InferenceError.invalidConfig(
                    path, field: "quoted_pairs.pairs",
                    "holds \(item.jsonText), not {\"tool\", \"keys\": [two distinct keys]}")
            }
            return Rule(tool: tool, first: first, second: second)
        }
        // The trainer lists one pair per tool; two would have no order to apply in.
        var listed = Set<String>()
        for rule in rules where !listed.insert(rule.tool).inserted {
            throw InferenceError.invalidConfig(path, field: "quoted_pairs.pairs", "lists \(rule.tool) twice")
        }
        self.init(rules: rules)
    }

    /// The distinct quoted spans of `text` (`NamedValues.quotedSpans`: one definition for the whole
    /// fill chain), in the order they first occur; spans compare scalar by scalar, as the trainer's
    /// code points do (String == would call NFC and NFD spellings equal).
    public static func spans(in text: String) -> [String] {
        var spans: [String] = []
        for (_, span) in NamedValues.quotedSpans(text as NSString)
        where !spans.contains(where: { $0.unicodeScalars.elementsEqual(span.unicodeScalars) }) {
            spans.append(span)
        }
        return spans
    }

    /// The key that claims each distinct span where it first occurs (`NamedValues.claimedSpans`:
    /// the name word before it, "description 'X'"; nil: none), in `spans(in:)`'s order.
    static func claimers(_ question: String, tools: [String: OrderedJSON]) -> [String?] {
        var claimers: [(span: String, key: String?)] = []
        for (key, span) in NamedValues.claimedSpans(question as NSString, keys: NamedValues.stringKeys(tools))
        where !claimers.contains(where: { $0.span.unicodeScalars.elementsEqual(span.unicodeScalars) }) {
            claimers.append((span, key))
        }
        return claimers.map(\.key)
    }

    /// The response with each listed pair a call writes set to the question's two quoted spans,
    /// typed by `tools` (each tool's `parameters` schema by name) as a cue value is; a pair never
    /// puts a span that a name word claims for another key ("description 'X' … Title 'Y'").
    public func fill(
        _ response: AnswerRestorer.Response, messages: [PromptRenderer.Message], tools: [String: OrderedJSON]
    ) -> AnswerRestorer.Response {
        guard !rules.isEmpty, !response.toolCalls.isEmpty else { return response }
        let question = RetrievalHint.queryText(messages)
        let spans = Self.spans(in: question)
        guard spans.count == 2 else { return response }
        let claimers = Self.claimers(question, tools: tools)
        var filled = response
        for index in filled.toolCalls.indices {
            let call = filled.toolCalls[index]
            guard let rule = rules.first(where: { $0.tool == call.name }), case .object(let members) = call.arguments,
                members.contains(where: { $0.key == rule.first }), members.contains(where: { $0.key == rule.second }),
                claimers[0] == nil || claimers[0] == rule.first, claimers[1] == nil || claimers[1] == rule.second
            else { continue }
            let schema = tools[call.name]?["properties"]
            filled.toolCalls[index].arguments = .object(
                members.map { member in
                    // A written null or "" is kept, as NamedValues keeps it: the user asked for none.
                    let kept = member.value == .null || member.value == .string("")
                    let span =
                        kept ? nil : member.key == rule.first ? spans[0] : member.key == rule.second ? spans[1] : nil
                    return (member.key, span.map { CueValues.typed($0, schema?[member.key]) } ?? member.value)
                })
        }
        return filled
    }
}
