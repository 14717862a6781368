import UnderstudyArchive

/// Anthropic Messages: the `message` object with `text` and `tool_use` blocks, and the named
/// event stream (message_start, content_block_start/delta/stop, message_delta, message_stop).
enum AnthropicRenderer {
    static func body(_ response: CanonicalResponse, _ options: RenderOptions) -> JSONValue {
        var blocks: [JSONValue] = []
        if let text = response.content { blocks.append(["type": "text", "text": .string(text)]) }
        for (index, call) in response.toolCalls.enumerated() {
            blocks.append(
                toolUse(call, id: options.toolCallID(index, prefix: "toolu_01", length: 22), input: call.arguments))
        }
        let (input, output) = options.tokens(for: response)
        return message(
            id: options.id ?? WireID.make("msg_01", length: 22), options, content: .array(blocks),
            stopReason: .string(stopReason(response)), usage: usage(input: input, output: output))
    }

    static func events(_ response: CanonicalResponse, _ options: RenderOptions) -> [WireEvent] {
        var events: [WireEvent] = []
        func emit(_ type: String, _ members: [JSONMember]) {
            events.append(
                WireEvent(
                    event: type, data: JSONValue.object([JSONMember("type", .string(type))] + members).serialized()))
        }
        let (input, output) = options.tokens(for: response)
        let start = message(
            id: options.id ?? WireID.make("msg_01", length: 22), options, content: [], stopReason: .null,
            usage: usage(input: input, output: 1))
        emit("message_start", [JSONMember("message", start)])
        var index = 0
        if let text = response.content {
            emit(
                "content_block_start",
                [JSONMember("index", .int(index)), JSONMember("content_block", ["type": "text", "text": ""])])
            // The real service sends a ping after the first block starts.
            emit("ping", [])
            for piece in TextChunker.words(text, maxCharacters: options.maxDeltaCharacters) {
                emit(
                    "content_block_delta",
                    [
                        JSONMember("index", .int(index)),
                        JSONMember("delta", ["type": "text_delta", "text": .string(piece)]),
                    ])
            }
            emit("content_block_stop", [JSONMember("index", .int(index))])
            index += 1
        }
        for (callIndex, call) in response.toolCalls.enumerated() {
            let id = options.toolCallID(callIndex, prefix: "toolu_01", length: 22)
            emit(
                "content_block_start",
                [
                    JSONMember("index", .int(index)),
                    JSONMember("content_block", toolUse(call, id: id, input: .object([]))),
                ])
            if index == 0 { emit("ping", []) }
            let json = call.arguments.serialized()
            for fragment in [""] + TextChunker.fragments(json, size: options.argumentFragmentCharacters) {
                emit(
                    "content_block_delta",
                    [
                        JSONMember("index", .int(index)),
                        JSONMember("delta", ["type": "input_json_delta", "partial_json": .string(fragment)]),
                    ])
            }
            emit("content_block_stop", [JSONMember("index", .int(index))])
            index += 1
        }
        emit(
            "message_delta",
            [
                JSONMember("delta", ["stop_reason": .string(stopReason(response)), "stop_sequence": .null]),
                JSONMember("usage", ["output_tokens": .int(output)]),
            ])
        emit("message_stop", [])
        _ = input
        return events
    }

    private static func message(
        id: String, _ options: RenderOptions, content: JSONValue, stopReason: JSONValue, usage: JSONValue
    ) -> JSONValue {
        [
            "id": .string(id), "type": "message", "role": "assistant", "model": .string(options.model),
            "content": content, "stop_reason": stopReason, "stop_sequence": .null, "usage": usage,
        ]
    }

    private static func toolUse(_ call: ToolCall, id: String, input: JSONValue) -> JSONValue {
        // Anthropic's input is always an object; a non-object argument value is wrapped.
        let object: JSONValue = if case .object = input { input } else { ["value": input] }
        return ["type": "tool_use", "id": .string(id), "name": .string(call.name), "input": object]
    }

    private static func usage(input: Int, output: Int) -> JSONValue {
        [
            "input_tokens": .int(input), "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
            "output_tokens": .int(output), "service_tier": "standard",
        ]
    }

    static func stopReason(_ response: CanonicalResponse) -> String {
        response.toolCalls.isEmpty ? "end_turn" : "tool_use"
    }
}
