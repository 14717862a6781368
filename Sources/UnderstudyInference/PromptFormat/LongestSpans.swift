import Foundation

/// Prompt feature `longest_spans` (distill/trainer/longest_spans.py, PROMPT_FORMAT.md "Prompt
/// features"): string arguments whose training answers take the longest quoted span the user
/// wrote since the last answer with calls (BFCL posting's `post_tweet` `content`: "…in 'START' mode.
/// Then, help me post a tweet, 'Embarking on …!'"), where no name word says which key a span is
/// for. After decoding, each call of a tool the answer calls once that writes a listed key as a
/// non-empty string gets the longest quoted span of those user turns that no name word claims for
/// another key and no other argument holds. Applied after `named_values`, before `cue_values`.
/// Nothing is added to the prompt.
///
/// ```swift
/// let longest = LongestSpans(rules: [.init(tool: "post_tweet", key: "content")])
/// let filled = longest.fill(response, messages: messages, tools: specialist.tools)
/// ```
public struct LongestSpans: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "longest_spans"

    /// The listed arguments (specialist.json `longest_spans.arguments`).
    public let rules: Set<NamedValues.Rule>

    public init(rules: [NamedValues.Rule]) {
        self.rules = Set(rules)
    }

    /// The longest free span for `key` of `calls[index]`, of the quoted spans of `text` that no name
    /// word claims for another key and that no other argument of the answer holds: the first one the
    /// key's own name word claims, else the longest (in code points, as the trainer counts; of
    /// equally long ones the earliest); nil when none is free.
    static func longestSpan(
        _ calls: [AnswerRestorer.Response.ToolCall], index: Int, key: String, text: String, tools: [String: OrderedJSON]
    ) -> String? {
        var held: [String] = []
        for (other, call) in calls.enumerated() {
            guard case .object(let members) = call.arguments else { continue }
            for member in members where other != index || member.key != key {
                if case .string(let value) = member.value { held.append(value) }
            }
        }
        var longest: String?
        for (claimer, span) in NamedValues.claimedSpans(text as NSString, keys: NamedValues.stringKeys(tools))
        where claimer == nil || claimer == key {
            // compared scalar by scalar, as the trainer's code points are (String == would call NFC
            // and NFD spellings equal)
            if held.contains(where: { $0.unicodeScalars.elementsEqual(span.unicodeScalars) }) { continue }
            // a span the key's own name word claims ("with content 'Hi all!'") says which span is
            // meant: the first such wins over a longer unclaimed one ('ECO_EXTENDED_RANGE_MODE')
            if claimer == key { return span }
            if span.unicodeScalars.count > (longest?.unicodeScalars.count ?? 0) { longest = span }
        }
        return longest
    }

    /// The response with each listed argument a call writes as a non-empty string set to the
    /// longest free span of the user turns; a tool the response calls more than once keeps its
    /// calls as written (which span each call means is not known). `tools`: each tool's
    /// `parameters` schema by name (the keys that claim spans).
    public func fill(
        _ response: AnswerRestorer.Response, messages: [PromptRenderer.Message], tools: [String: OrderedJSON]
    ) -> AnswerRestorer.Response {
        guard !rules.isEmpty, !response.toolCalls.isEmpty else { return response }
        let text = NamedOptional.userText(messages)
        let calls = Dictionary(response.toolCalls.map { ($0.name, 1) }, uniquingKeysWith: +)
        var filled = response
        for index in filled.toolCalls.indices where calls[filled.toolCalls[index].name] == 1 {
            guard case .object(let written) = filled.toolCalls[index].arguments else { continue }
            let name = filled.toolCalls[index].name
            for (key, value) in written where rules.contains(.init(tool: name, key: key)) {
                guard case .string(let current) = value, !current.isEmpty,
                    let span = Self.longestSpan(filled.toolCalls, index: index, key: key, text: text, tools: tools),
                    case .object(let members) = filled.toolCalls[index].arguments
                else { continue }
                filled.toolCalls[index].arguments = .object(
                    members.map { ($0.key, $0.key == key ? .string(span) : $0.value) })
            }
        }
        return filled
    }
}
