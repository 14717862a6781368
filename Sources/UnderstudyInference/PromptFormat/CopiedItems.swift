import Foundation

/// Prompt feature `copied_items` (distill/trainer/copied_items.py, PROMPT_FORMAT.md "Prompt
/// features"): list arguments whose training items are, in at least 85% of the calls, words the
/// request wrote (BFCL posting's `post_tweet` `tags` 33/33 and `mentions` 16/18) keep only such
/// items after decoding. A small model adds a handle of another training conversation
/// (`"@technewsworld"`) where the conversation names none; an item no text of the request holds as
/// a whole word is dropped, and a list left with none is removed (left empty when the tool
/// requires it). The last of the answer fills, after `tag_lists`. Nothing is added to the prompt.
///
/// ```swift
/// let items = CopiedItems(rules: [.init(tool: "post_tweet", key: "mentions")])
/// let filled = items.fill(response, messages: messages, tools: specialist.tools)
/// // "mentions": ["@technewsworld"] is gone when no message text holds the word "technewsworld"
/// ```
public struct CopiedItems: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "copied_items"

    /// One listed argument: calls to `tool` keep the items of `key` that the request holds (a (tool,
    /// key) pair, listed as `named_values` lists its arguments).
    public typealias Rule = NamedValues.Rule

    /// The listed arguments (specialist.json `copied_items.arguments`), in file order.
    public let rules: [Rule]

    public init(rules: [Rule]) {
        self.rules = rules
    }

    /// Reads `copied_items` of specialist.json (`{"arguments": [{"tool", "key"}], "counts": {...}}`).
    init(_ value: OrderedJSON?, path: String) throws {
        rules = try PromptFeatureList.toolKeys(value, feature: Self.feature, path: path)
    }

    /// Every text of a request as code points (the trainer compares code points; String's own
    /// search would call NFC and NFD spellings equal), split once per fill: each message's content
    /// (user, assistant, tool result) and the string leaves, depth first, of its tool calls'
    /// arguments (the trainer's `population.message_texts`).
    public struct Texts: Sendable {
        let scalars: [[Unicode.Scalar]]

        public init(_ messages: [PromptRenderer.Message]) {
            var texts: [String] = []
            for message in messages {
                if let content = message.content { texts.append(content) }
                for call in message.toolCalls { Self.strings(call.arguments, into: &texts) }
            }
            self.init(texts: texts)
        }

        /// Given texts (`OrdinalItems` reads the question alone).
        init(texts: [String]) {
            scalars = texts.map { Array($0.unicodeScalars) }
        }

        private static func strings(_ value: OrderedJSON?, into texts: inout [String]) {
            switch value {
            case .string(let text)?: texts.append(text)
            case .array(let items)?: for item in items { strings(item, into: &texts) }
            case .object(let members)?: for member in members { strings(member.value, into: &texts) }
            default: break
            }
        }

        /// Whether a text holds `form` as a whole word: no ASCII letter, digit or `_` (tag_lists'
        /// word characters) right before or after the occurrence.
        func holdWord(_ form: [Unicode.Scalar]) -> Bool {
            scalars.contains { text in
                guard form.count <= text.count else { return false }
                for start in 0...(text.count - form.count) where text[start..<(start + form.count)].elementsEqual(form) {
                    let end = start + form.count
                    if (start == 0 || !Self.isWordCharacter(text[start - 1]))
                        && (end == text.count || !Self.isWordCharacter(text[end]))
                    {
                        return true
                    }
                }
                return false
            }
        }

        static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (scalar == "_" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
        }
    }

    /// Whether a text holds `item`, or `item` without its leading `#` / `@`, as a whole word. Only
    /// a non-empty string can be held.
    public static func held(_ item: OrderedJSON, in texts: Texts) -> Bool {
        guard case .string(let text) = item, let first = text.unicodeScalars.first else { return false }
        var forms = [Array(text.unicodeScalars)]
        if (first == "#" || first == "@") && forms[0].count > 1 { forms.append(Array(forms[0].dropFirst())) }
        return forms.contains { texts.holdWord($0) }
    }

    /// The response with each listed list argument of a call to its tool cut to the items the
    /// request holds; a list left with none is removed, unless `tools` (each tool's `parameters`
    /// schema by name) says the tool requires it.
    public func fill(
        _ response: AnswerRestorer.Response, messages: [PromptRenderer.Message], tools: [String: OrderedJSON]
    ) -> AnswerRestorer.Response {
        guard !rules.isEmpty, !response.toolCalls.isEmpty else { return response }
        let texts = Texts(messages)
        var filled = response
        for index in filled.toolCalls.indices {
            let name = filled.toolCalls[index].name
            guard case .object(var members) = filled.toolCalls[index].arguments else { continue }
            for rule in rules where rule.tool == name {
                guard let at = members.firstIndex(where: { $0.key == rule.key }),
                    case .array(let written) = members[at].value, !written.isEmpty
                else { continue }
                let kept = written.filter { Self.held($0, in: texts) }
                if kept.isEmpty && !Specialist.OptionalArguments.requiredKeys(tools[name]).contains(rule.key) {
                    members.remove(at: at)
                } else {
                    members[at].value = .array(kept)
                }
            }
            filled.toolCalls[index].arguments = .object(members)
        }
        return filled
    }
}
