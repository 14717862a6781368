import Foundation

/// Prompt feature `named_optional` (distill/trainer/named_optional.py, PROMPT_FORMAT.md "Prompt
/// features"): optional arguments the training answers write exactly when the question names them
/// (BFCL ticket's `create_ticket` `priority`: written after "priority 5", "high-priority", left
/// out where no word starts with "priority"). A small model writes priority 5 either way; after
/// decoding, a call to a listed tool whose question has no name word of a listed key loses the
/// key. Applied after `named_calls`, before `named_values`. Nothing is added to the prompt.
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

    /// Reads `named_optional` of specialist.json (`{"arguments": [{"tool", "key"}], "counts": {...}}`).
    init(_ value: OrderedJSON?, path: String) throws {
        self.init(rules: try PromptFeatureList.toolKeys(value, feature: Self.feature, path: path))
    }

    /// The response without the listed arguments whose key the last user message has no name word
    /// of (`NamedValues.nameWords`); the other arguments keep their order.
    public func fill(_ response: AnswerRestorer.Response, messages: [PromptRenderer.Message]) -> AnswerRestorer.Response
    {
        guard !rules.isEmpty, !response.toolCalls.isEmpty else { return response }
        let question = RetrievalHint.queryText(messages) as NSString
        let unnamed = rules.filter { NamedValues.nameWords(question, key: $0.key).isEmpty }
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
