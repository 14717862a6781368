import Foundation

/// A canonical message (docs/formats.md `Message`) as the prompt renderer takes it, read as the
/// trainer's distill/trainer/prompt.py reads one: a call's `"arguments": null` (or none) renders
/// as `{}` (`render_response`), and a missing role is "user".
///
/// ```swift
/// let message = PromptRenderer.Message(json: try OrderedJSON.parse(
///     #"{"role":"assistant","content":null,"tool_calls":[{"name":"cd","arguments":null}]}"#))
/// message.toolCalls[0].arguments   // nil: rendered {"name":"cd","arguments":{}}
/// ```
extension PromptRenderer.Message {
    public init(json: OrderedJSON) {
        var role = "user"
        if case .string(let text)? = json["role"] { role = text }
        var content: String?
        if case .string(let text)? = json["content"] { content = text }
        var calls: [(name: String, arguments: OrderedJSON?)] = []
        if case .array(let list)? = json["tool_calls"] {
            calls = list.map { call in
                // A canonical call always has a name; prompt.py cannot render one without. Kept,
                // named "", so the turn keeps its number of calls (as serving always did).
                var name = ""
                if case .string(let text)? = call["name"] { name = text }
                if case .null? = call["arguments"] { return (name, nil) }
                return (name, call["arguments"])
            }
        }
        self.init(role: role, content: content, toolCalls: calls)
    }
}
