/// Prompt feature `remembered_keys` (distill/trainer/remembered_keys.py, PROMPT_FORMAT.md "Prompt
/// features"): the argument keys whose value, in the cluster's training answers, is always the
/// latest value the conversation wrote under the same key (an `access_token` an authentication
/// result returned, the `booking_id` of the last booking). A small model writes the wrong slot for
/// most of them in long conversations; after decoding, each such argument is set to the remembered
/// value, typed by the tool's schema as a slot is. Nothing is added to the prompt.
///
/// ```swift
/// let keys = RememberedKeys(keys: ["booking_id"])
/// let filled = keys.fill(response, messages: messages, tools: specialist.tools)
/// // cancel_booking's booking_id is now the one the last booking returned
/// ```
public struct RememberedKeys: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "remembered_keys"

    /// The keys filled from memory (specialist.json `remembered_keys.keys`).
    public let keys: Set<String>

    public init(keys: Set<String>) {
        self.keys = keys
    }

    /// Reads `remembered_keys` of specialist.json (`{"keys": [...], "counts": {...}}`).
    init(_ value: OrderedJSON?, path: String) throws {
        keys = try PromptFeatureList.strings(value, list: "keys", feature: Self.feature, path: path)
    }

    /// The latest value under each key of the conversation's calls and JSON tool results:
    /// strings as their text (kind string), numbers as their JSON text (kind number), as slots are.
    public static func memory(_ messages: [PromptRenderer.Message]) -> [String: PromptSlotTable.Slot] {
        var remembered: [String: PromptSlotTable.Slot] = [:]
        func remember(_ value: OrderedJSON, _ key: String?) {
            switch value {
            case .object(let members): for member in members { remember(member.value, member.key) }
            case .array(let items): for item in items { remember(item, key) }
            case .string(let text): if let key { remembered[key] = .init(text: text, kind: "string") }
            case .number(let text):
                if let key { remembered[key] = .init(text: PromptRenderer.pythonNumberText(text), kind: "number") }
            default: break
            }
        }
        for message in messages {
            if message.role == "assistant" {
                for call in message.toolCalls { remember(call.arguments ?? .object([]), nil) }
            } else if message.role == "tool", let content = message.content,
                let parsed = PromptRenderer.parseToolJSON(content)
            {
                remember(parsed, nil)
            }
        }
        return remembered
    }

    /// The response with each listed, remembered top-level argument set to the remembered value
    /// (arguments the answer does not write are not added; a value the question names is
    /// overwritten too, see remembered_keys.py).
    /// - Parameter tools: each tool's `parameters` schema by name, for typing.
    public func fill(
        _ response: AnswerRestorer.Response, messages: [PromptRenderer.Message], tools: [String: OrderedJSON]
    ) -> AnswerRestorer.Response {
        guard !keys.isEmpty, !response.toolCalls.isEmpty else { return response }
        let remembered = Self.memory(messages)
        return response.replacingArguments(tools: tools) { _, key, _, schema in
            guard keys.contains(key), let slot = remembered[key] else { return nil }
            return AnswerRestorer.coerce(slot, schema)
        }
    }
}

extension AnswerRestorer.Response {
    /// The response with the top-level arguments its calls write replaced where
    /// `value(tool, key, written, schema)` gives a value (the answer fills of `remembered_keys` and
    /// `cue_values`; arguments the answer does not write are not added).
    /// - Parameter tools: each tool's `parameters` schema by name; `schema` is the key's.
    func replacingArguments(
        tools: [String: OrderedJSON],
        _ value: (_ tool: String, _ key: String, _ written: OrderedJSON, _ schema: OrderedJSON?) -> OrderedJSON?
    ) -> AnswerRestorer.Response {
        var replaced = self
        for index in replaced.toolCalls.indices {
            let call = replaced.toolCalls[index]
            guard case .object(let members) = call.arguments else { continue }
            let schema = tools[call.name]?["properties"]
            replaced.toolCalls[index].arguments = .object(
                members.map { member in
                    (member.key, value(call.name, member.key, member.value, schema?[member.key]) ?? member.value)
                })
        }
        return replaced
    }
}
