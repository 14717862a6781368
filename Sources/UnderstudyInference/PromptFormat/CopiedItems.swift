import Foundation

/// Prompt feature `copied_items` (distill/trainer/copied_items.py, PROMPT_FORMAT.md "Prompt
/// features"): list arguments whose training items are always words the user wrote (BFCL
/// posting's `post_tweet` `tags` and `mentions`) keep only such items after decoding. A small model
/// adds a handle of another training conversation (`"@technewsworld"`) where the question names
/// none; an item no user message holds is dropped, and a list left with none is removed (left
/// empty when the tool requires it). The last of the answer fills, after `tag_lists`. Nothing is
/// added to the prompt.
///
/// ```swift
/// let items = CopiedItems(rules: [.init(tool: "post_tweet", key: "mentions")])
/// let filled = items.fill(response, messages: messages, tools: specialist.tools)
/// // "mentions": ["@technewsworld"] is gone when no user message says "technewsworld"
/// ```
public struct CopiedItems: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "copied_items"

    /// One listed argument: calls to `tool` keep the items of `key` that the user wrote (a (tool,
    /// key) pair, listed as `named_values` lists its arguments).
    public typealias Rule = NamedValues.Rule

    /// The listed arguments (specialist.json `copied_items.arguments`), in file order.
    public let rules: [Rule]

    public init(rules: [Rule]) {
        self.rules = rules
    }

    /// Reads `copied_items` of specialist.json (`{"arguments": [{"tool", "key"}], "counts": {...}}`).
    init(_ value: OrderedJSON?, path: String) throws {
        let items = try PromptFeatureList.items(value, list: "arguments", feature: Self.feature, path: path)
        rules = try items.map { item in
            guard case .string(let tool)? = item["tool"], case .string(let key)? = item["key"] else {
                throw InferenceError.invalidConfig(
                    path, field: "copied_items.arguments", "holds \(item.jsonText), not {\"tool\", \"key\"}")
            }
            return Rule(tool: tool, key: key)
        }
    }

    /// The contents of the request's user messages: the texts an item must come from.
    public static func userTexts(_ messages: [PromptRenderer.Message]) -> [String] {
        messages.compactMap { $0.role == "user" ? $0.content : nil }
    }

    /// Whether a user text holds `item`, or `item` without its leading `#` / `@`, compared scalar
    /// by scalar as the trainer's code points are (String's own search would call NFC and NFD
    /// spellings equal). Only a non-empty string can be held.
    public static func held(_ item: OrderedJSON, in texts: [String]) -> Bool {
        guard case .string(let text) = item, let first = text.unicodeScalars.first else { return false }
        var forms = [Array(text.unicodeScalars)]
        if (first == "#" || first == "@") && forms[0].count > 1 { forms.append(Array(forms[0].dropFirst())) }
        return texts.contains { userText in
            let scalars = Array(userText.unicodeScalars)
            return forms.contains { scalars.firstRange(of: $0) != nil }
        }
    }

    /// The response with each listed list argument of a call to its tool cut to the items the user
    /// wrote; a list left with none is removed, unless `tools` (each tool's `parameters` schema by
    /// name) says the tool requires it.
    public func fill(
        _ response: AnswerRestorer.Response, messages: [PromptRenderer.Message], tools: [String: OrderedJSON]
    ) -> AnswerRestorer.Response {
        guard !rules.isEmpty, !response.toolCalls.isEmpty else { return response }
        let texts = Self.userTexts(messages)
        var filled = response
        for index in filled.toolCalls.indices {
            let name = filled.toolCalls[index].name
            guard case .object(var members) = filled.toolCalls[index].arguments else { continue }
            for rule in rules where rule.tool == name {
                guard let at = members.firstIndex(where: { $0.key == rule.key }),
                    case .array(let written) = members[at].value, !written.isEmpty
                else { continue }
                let kept = written.filter { Self.held($0, in: texts) }
                if kept.isEmpty && !Self.requires(tools[name], rule.key) {
                    members.remove(at: at)
                } else {
                    members[at].value = .array(kept)
                }
            }
            filled.toolCalls[index].arguments = .object(members)
        }
        return filled
    }

    static func requires(_ parameters: OrderedJSON?, _ key: String) -> Bool {
        guard case .array(let required)? = parameters?["required"] else { return false }
        return required.contains(.string(key))
    }
}
