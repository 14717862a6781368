import UnderstudyArchive

/// The OpenAI Chat Completions body a replayed request becomes at an OpenAI-compatible
/// endpoint (vLLM, llama.cpp server, Ollama): the cluster's system prompt, the varying
/// messages with call ids made up to pair tool results with their calls, the tools, greedy
/// decoding and token log-probabilities (the confidence).
enum ChatCompletionsRequest {
    static func body(for request: ReplayRequest, model: String, maxTokens: Int) -> JSONValue {
        var messages: [JSONValue] = []
        if let system = request.system { messages.append(["role": "system", "content": .string(system)]) }
        var callNumber = 0
        var pending: [String] = []
        for message in request.messages {
            let role = message["role"]?.stringValue ?? "user"
            var out: JSONValue = ["role": .string(role), "content": message["content"] ?? .null]
            if let calls = message["tool_calls"]?.arrayValue, !calls.isEmpty {
                out.set("tool_calls", .array(calls.map { call in
                    callNumber += 1
                    let id = "call_\(callNumber)"
                    pending.append(id)
                    let arguments = call["arguments"] ?? .object([])
                    let text = arguments.stringValue ?? arguments.serialized()
                    return ["id": .string(id), "type": "function",
                            "function": ["name": call["name"] ?? "", "arguments": .string(text)]]
                }))
            }
            if role == "tool" {
                let id = message["tool_call_id"]?.stringValue ?? (pending.isEmpty ? "call_0" : pending.removeFirst())
                out.set("tool_call_id", .string(id))
            }
            messages.append(out)
        }
        var body: JSONValue = [
            "model": .string(model), "messages": .array(messages), "temperature": 0,
            "max_tokens": .int(maxTokens), "logprobs": true, "stream": false,
        ]
        if !request.tools.isEmpty {
            body.set("tools", .array(request.tools.map { ["type": "function", "function": $0] }))
        }
        return body
    }
}
