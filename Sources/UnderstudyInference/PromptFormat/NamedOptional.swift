import Foundation

/// Prompt feature `named_optional` (distill/trainer/named_optional.py, PROMPT_FORMAT.md "Prompt
/// features"): optional arguments the training answers leave out where the user does not name them
/// (learnt from the calls the drop acts on: those whose user turns since the last answer with
/// calls have no word starting with the key). After decoding, a call to a listed tool whose user
/// turns since the last answer with calls have no name word of a listed key loses the key.
/// Applied after `named_calls`, before `named_values`. Nothing is added to the prompt.
///
/// ```swift
/// let optional = NamedOptional(rules: [.init(tool: "create_ticket", key: "priority")])
/// let filled = optional.fill(response, messages: messages)
/// ```
public struct NamedOptional: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "named_optional"

    /// The listed arguments (specialist.json `named_optional.arguments`).
    public let rules: Set<NamedValues.Rule>

    public init(rules: [NamedValues.Rule]) {
        self.rules = Set(rules)
    }

    /// The user messages' contents since the last assistant message with calls ("…a high-priority
    /// ticket…", a text answer asking for the password, "Password is …": both turns).
    public static func turns(_ messages: [PromptRenderer.Message]) -> [String] {
        let start = (messages.lastIndex { $0.role == "assistant" && !$0.toolCalls.isEmpty }).map { $0 + 1 } ?? 0
        return messages[start...].filter { $0.role == "user" }.map { $0.content ?? "" }
    }

    /// The user turns joined by a line break (no quoted span, name word or `#word` crosses one):
    /// what `LongestSpans` and `TagLists` read. A request that ends with tool results after the last
    /// answer with calls has no user turn since it; then the user turns up to the last user message
    /// are read (those since the answer with calls before it), so the question still counts.
    public static func userText(_ messages: [PromptRenderer.Message]) -> String {
        var since = turns(messages)
        if since.isEmpty, let lastUser = messages.lastIndex(where: { $0.role == "user" }) {
            since = turns(Array(messages[...lastUser]))
        }
        return since.joined(separator: "\n")
    }

    /// Whether a user turn since the last answer with calls has a name word of `key`.
    public static func named(_ messages: [PromptRenderer.Message], key: String) -> Bool {
        turns(messages).contains { !NamedValues.nameWords($0 as NSString, key: key).isEmpty }
    }

    /// The response without the listed arguments whose key no user turn since the last answer with
    /// calls has a name word of (`NamedValues.nameWords`); the other arguments keep their order.
    public func fill(_ response: AnswerRestorer.Response, messages: [PromptRenderer.Message]) -> AnswerRestorer.Response
    {
        guard !rules.isEmpty, !response.toolCalls.isEmpty else { return response }
        let unnamed = rules.filter { !Self.named(messages, key: $0.key) }
        var filled = response
        for index in filled.toolCalls.indices {
            guard case .object(let members) = filled.toolCalls[index].arguments else { continue }
            let name = filled.toolCalls[index].name
            filled.toolCalls[index].arguments = .object(
                members.filter { !unnamed.contains(.init(tool: name, key: $0.key)) })
        }
        return filled
    }
}
