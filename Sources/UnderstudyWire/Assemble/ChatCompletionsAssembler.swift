import UnderstudyArchive

/// `chat.completion.chunk` events → one `chat.completion`, as the openai SDK's
/// `ChatCompletionStreamState` accumulates them: content and refusal concatenated, tool calls
/// merged by `index` with their `function.arguments` fragments concatenated.
struct ChatCompletionsAssembler: Sendable {
    private struct Call: Sendable {
        var id: JSONValue = .null
        var type: JSONValue = "function"
        var name = ""
        var arguments = ""

        mutating func consume(_ callJSON: JSONValue) {
            if let id = callJSON["id"], !id.isNull { self.id = id }
            if let type = callJSON["type"], !type.isNull { self.type = type }
            if let function = callJSON["function"] {
                if let name = function["name"]?.stringValue { self.name += name }
                if let args = function["arguments"]?.stringValue { arguments += args }
            }
        }
    }

    private struct Choice: Sendable {
        var role: JSONValue = "assistant"
        var content: String?
        var refusal: String?
        var calls: [Int: Call] = [:]
        var finishReason: JSONValue = .null

        mutating func consume(_ choiceJSON: JSONValue) {
            if let delta = choiceJSON["delta"] {
                if let role = delta["role"], !role.isNull { self.role = role }
                if let text = delta["content"]?.stringValue { Self.append(text, to: &content) }
                if let text = delta["refusal"]?.stringValue { Self.append(text, to: &refusal) }
                for (position, callJSON) in (delta["tool_calls"]?.arrayValue ?? []).enumerated() {
                    calls[callJSON["index"]?.intValue ?? position, default: Call()].consume(callJSON)
                }
            }
            if let finish = choiceJSON["finish_reason"], !finish.isNull { finishReason = finish }
        }

        private static func append(_ text: String, to accumulated: inout String?) {
            if accumulated == nil { accumulated = text } else { accumulated!.append(text) }
        }
    }

    private var head: [JSONMember] = []
    private var choices: [Int: Choice] = [:]
    private var usage: JSONValue?
    private var error: JSONValue?
    private var sawChunk = false

    mutating func consume(_ chunk: JSONValue) {
        if let error = chunk["error"] {
            self.error = error
            return
        }
        guard case .object = chunk else { return }
        sawChunk = true
        for key in ["id", "created", "model", "service_tier", "system_fingerprint"] {
            if let value = chunk[key], !value.isNull { head.set(key, value) }
        }
        if let usage = chunk["usage"], !usage.isNull { self.usage = usage }
        for choiceJSON in chunk["choices"]?.arrayValue ?? [] {
            // Mutated in place in the dictionary: a copy taken out and stored back made every
            // content delta copy the whole text so far (one stream's content grew quadratically).
            choices[choiceJSON["index"]?.intValue ?? 0, default: Choice()].consume(choiceJSON)
        }
    }

    var assembled: JSONValue? {
        if !sawChunk, let error { return ["error": error] }
        guard sawChunk else { return nil }
        var members: [JSONMember] = []
        members.append(JSONMember("id", head["id"] ?? .null))
        members.append(JSONMember("object", "chat.completion"))
        members.append(JSONMember("created", head["created"] ?? .null))
        members.append(JSONMember("model", head["model"] ?? .null))
        let rendered: [JSONValue] = choices.keys.sorted().map { index in
            let choice = choices[index]!
            var message: [JSONMember] = [
                JSONMember("role", choice.role),
                JSONMember("content", choice.content.map(JSONValue.string) ?? .null),
            ]
            if let refusal = choice.refusal { message.append(JSONMember("refusal", .string(refusal))) }
            if !choice.calls.isEmpty {
                let calls: [JSONValue] = choice.calls.keys.sorted().map { callIndex in
                    let call = choice.calls[callIndex]!
                    return [
                        "id": call.id, "type": call.type,
                        "function": ["name": .string(call.name), "arguments": .string(call.arguments)],
                    ]
                }
                message.append(JSONMember("tool_calls", .array(calls)))
            }
            return [
                "index": .int(index), "message": .object(message), "logprobs": .null,
                "finish_reason": choice.finishReason,
            ]
        }
        members.append(JSONMember("choices", .array(rendered)))
        if let usage { members.append(JSONMember("usage", usage)) }
        for key in ["service_tier", "system_fingerprint"] {
            if let value = head[key] { members.append(JSONMember(key, value)) }
        }
        if let error { members.append(JSONMember("error", error)) }
        return .object(members)
    }
}
