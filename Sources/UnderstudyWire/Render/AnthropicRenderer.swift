import UnderstudyArchive

/// Anthropic Messages: the `message` object with `text` and `tool_use` blocks; its stream is
/// `AnthropicStream`.
enum AnthropicRenderer {
    static func body(_ response: CanonicalResponse, _ options: RenderOptions) -> JSONValue {
        var blocks: [JSONValue] = []
        if let text = response.content { blocks.append(["type": "text", "text": .string(text)]) }
        for (index, call) in response.toolCalls.enumerated() {
            blocks.append(
                toolUse(call, id: options.toolCallID(index, prefix: "toolu_01", length: 22), input: inputObject(call)))
        }
        let (input, output) = options.tokens(for: response)
        return message(
            id: options.id ?? WireID.make("msg_01", length: 22), options, content: .array(blocks),
            stopReason: .string(stopReason(response)), usage: usage(input: input, output: output))
    }

    static func message(
        id: String, _ options: RenderOptions, content: JSONValue, stopReason: JSONValue, usage: JSONValue
    ) -> JSONValue {
        [
            "id": .string(id), "type": "message", "role": "assistant", "model": .string(options.model),
            "content": content, "stop_reason": stopReason, "stop_sequence": .null, "usage": usage,
        ]
    }

    static func toolUse(_ call: ToolCall, id: String, input: JSONValue) -> JSONValue {
        ["type": "tool_use", "id": .string(id), "name": .string(call.name), "input": input]
    }

    /// Anthropic's input is always an object; a non-object argument value is wrapped.
    static func inputObject(_ call: ToolCall) -> JSONValue {
        if case .object = call.arguments { return call.arguments }
        return ["value": call.arguments]
    }

    static func usage(input: Int, output: Int) -> JSONValue {
        [
            "input_tokens": .int(input), "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
            "output_tokens": .int(output), "service_tier": "standard",
        ]
    }

    static func stopReason(_ response: CanonicalResponse) -> String {
        response.toolCalls.isEmpty ? "end_turn" : "tool_use"
    }
}

/// Incremental Anthropic events, each named after its `type`: `message_start`, per block
/// `content_block_start` (a `ping` after the first), `content_block_delta` (`text_delta`, or
/// `input_json_delta` starting with an empty fragment), `content_block_stop`, then
/// `message_delta` (stop reason, output tokens) and `message_stop`.
struct AnthropicStream: Sendable {
    private let options: RenderOptions
    private let id: String
    private var index = 0
    private var textOpen = false

    init(_ options: RenderOptions) {
        self.options = options
        id = options.id ?? WireID.make("msg_01", length: 22)
    }

    private func event(_ type: String, _ members: [JSONMember]) -> WireEvent {
        WireEvent(event: type, data: JSONValue.object([JSONMember("type", .string(type))] + members).serialized())
    }

    func start() -> [WireEvent] {
        let input = options.tokens(for: CanonicalResponse()).input
        let message = AnthropicRenderer.message(
            id: id, options, content: [], stopReason: .null, usage: AnthropicRenderer.usage(input: input, output: 1))
        return [event("message_start", [JSONMember("message", message)])]
    }

    private mutating func open(_ block: JSONValue) -> [WireEvent] {
        var events = [
            event("content_block_start", [JSONMember("index", .int(index)), JSONMember("content_block", block)])
        ]
        // The real service sends a ping after the first block starts.
        if index == 0 { events.append(event("ping", [])) }
        return events
    }

    private mutating func closeText() -> [WireEvent] {
        guard textOpen else { return [] }
        textOpen = false
        defer { index += 1 }
        return [event("content_block_stop", [JSONMember("index", .int(index))])]
    }

    mutating func text(_ delta: String) -> [WireEvent] {
        var events: [WireEvent] = []
        if !textOpen {
            textOpen = true
            events += open(["type": "text", "text": ""])
        }
        let payload: JSONValue = ["type": "text_delta", "text": .string(delta)]
        events.append(event("content_block_delta", [JSONMember("index", .int(index)), JSONMember("delta", payload)]))
        return events
    }

    mutating func toolCall(_ call: ToolCall, index callIndex: Int) -> [WireEvent] {
        var events = closeText()
        let id = options.toolCallID(callIndex, prefix: "toolu_01", length: 22)
        events += open(AnthropicRenderer.toolUse(call, id: id, input: .object([])))
        let json = AnthropicRenderer.inputObject(call).serialized()
        for fragment in [""] + TextChunker.fragments(json, size: options.argumentFragmentCharacters) {
            let payload: JSONValue = ["type": "input_json_delta", "partial_json": .string(fragment)]
            events.append(
                event("content_block_delta", [JSONMember("index", .int(index)), JSONMember("delta", payload)]))
        }
        events.append(event("content_block_stop", [JSONMember("index", .int(index))]))
        index += 1
        return events
    }

    mutating func finish(_ answer: CanonicalResponse, tokens: (input: Int, output: Int)) -> [WireEvent] {
        var events = closeText()
        events.append(
            event(
                "message_delta",
                [
                    JSONMember(
                        "delta", ["stop_reason": .string(AnthropicRenderer.stopReason(answer)), "stop_sequence": .null]),
                    // Cumulative counts, as the service sends them; input repeats message_start's
                    // unless the caller learned the real count only at the end.
                    JSONMember(
                        "usage",
                        [
                            "input_tokens": .int(tokens.input), "cache_creation_input_tokens": 0,
                            "cache_read_input_tokens": 0, "output_tokens": .int(tokens.output),
                        ]),
                ]))
        events.append(event("message_stop", []))
        return events
    }
}
