import UnderstudyArchive

/// Incremental `chat.completion.chunk` stream: a role chunk (`content: ""` before text, `null`
/// before tool calls), content deltas, per tool call a head chunk (index, id, type, name,
/// `arguments: ""`) and argument fragments, the finish chunk, the usage chunk (`choices: []`)
/// when `include_usage`, then `[DONE]`. With `options.obfuscation` every chunk ends with OpenAI's
/// random `obfuscation` member.
struct ChatCompletionsStream: Sendable {
    private let options: RenderOptions
    private let id: String
    private let created: Int
    private var roleSent = false

    init(_ options: RenderOptions) {
        self.options = options
        id = options.id ?? WireID.make("chatcmpl-", length: 29)
        created = options.createdSeconds
    }

    func start() -> [WireEvent] { [] }

    mutating func text(_ delta: String) -> [WireEvent] {
        role(content: "") + [chunk(["content": .string(delta)])]
    }

    mutating func toolCall(_ call: ToolCall, index: Int) -> [WireEvent] {
        var events = role(content: .null)
        let head: JSONValue = [
            "index": .int(index), "id": .string(options.toolCallID(index, prefix: "call_", length: 24)),
            "type": "function", "function": ["name": .string(call.name), "arguments": ""],
        ]
        events.append(chunk(["tool_calls": [head]]))
        for fragment in TextChunker.fragments(call.argumentsText, size: options.argumentFragmentCharacters) {
            events.append(
                chunk(["tool_calls": [["index": .int(index), "function": ["arguments": .string(fragment)]]]]))
        }
        return events
    }

    mutating func finish(_ answer: CanonicalResponse, tokens: (input: Int, output: Int)) -> [WireEvent] {
        var events = role(content: "")
        events.append(chunk(.object([]), finish: .string(ChatCompletionsRenderer.finishReason(answer))))
        if options.includeUsage {
            let usageChunk: JSONValue = .object(
                head() + [
                    JSONMember("choices", .array([])),
                    JSONMember("usage", ChatCompletionsRenderer.usage(tokens)),
                ] + options.padding())
            events.append(WireEvent(data: usageChunk.serialized()))
        }
        events.append(WireEvent(data: "[DONE]"))
        return events
    }

    private mutating func role(content: JSONValue) -> [WireEvent] {
        guard !roleSent else { return [] }
        roleSent = true
        return [chunk(["role": "assistant", "content": content, "refusal": .null])]
    }

    private func head() -> [JSONMember] {
        [
            JSONMember("id", .string(id)),
            JSONMember("object", "chat.completion.chunk"),
            JSONMember("created", .int(created)),
            JSONMember("model", .string(options.model)),
            JSONMember("service_tier", "default"),
            JSONMember("system_fingerprint", .null),
        ]
    }

    private func chunk(_ delta: JSONValue, finish: JSONValue = .null) -> WireEvent {
        var members = head()
        let choice: JSONValue = .object([
            JSONMember("index", 0), JSONMember("delta", delta), JSONMember("logprobs", .null),
            JSONMember("finish_reason", finish),
        ])
        members.append(JSONMember("choices", [choice]))
        // With include_usage every chunk carries "usage": null until the final usage chunk.
        if options.includeUsage { members.append(JSONMember("usage", .null)) }
        members += options.padding()
        return WireEvent(data: JSONValue.object(members).serialized())
    }
}
