import UnderstudyArchive

/// The OpenAI Responses API: the `response` object with `message` and `function_call` output
/// items, and its typed event stream (`response.created` … `response.completed`).
enum ResponsesRenderer {
    /// Output items with ids, as both the body and the stream use them.
    private struct Item {
        var id: String
        var callID: String?
        var call: ToolCall?
        var text: String?
    }

    private static func items(_ response: CanonicalResponse, _ options: RenderOptions) -> [Item] {
        var items: [Item] = []
        if let text = response.content { items.append(Item(id: WireID.makeHex("msg_", length: 48), text: text)) }
        for (index, call) in response.toolCalls.enumerated() {
            items.append(
                Item(
                    id: WireID.makeHex("fc_", length: 48),
                    callID: options.toolCallID(index, prefix: "call_", length: 24),
                    call: call))
        }
        return items
    }

    private static func itemJSON(_ item: Item, done: Bool) -> JSONValue {
        let status: JSONValue = done ? "completed" : "in_progress"
        if let call = item.call {
            return [
                "id": .string(item.id), "type": "function_call", "status": status,
                "arguments": .string(done ? call.argumentsText : ""), "call_id": .string(item.callID ?? ""),
                "name": .string(call.name),
            ]
        }
        let content: [JSONValue] = done ? [textPart(item.text ?? "")] : []
        return [
            "id": .string(item.id), "type": "message", "status": status, "content": .array(content),
            "role": "assistant",
        ]
    }

    private static func textPart(_ text: String) -> JSONValue {
        ["type": "output_text", "annotations": [], "logprobs": [], "text": .string(text)]
    }

    private static func responseObject(
        id: String, _ items: [Item], _ response: CanonicalResponse, _ options: RenderOptions, done: Bool
    ) -> JSONValue {
        let (input, output) = options.tokens(for: response)
        let usage: JSONValue =
            done
            ? [
                "input_tokens": .int(input), "input_tokens_details": ["cached_tokens": 0, "cache_write_tokens": 0],
                "output_tokens": .int(output), "output_tokens_details": ["reasoning_tokens": 0],
                "total_tokens": .int(input + output),
            ] : .null
        return [
            "id": .string(id), "object": "response", "created_at": .int(options.createdSeconds),
            "status": done ? "completed" : "in_progress", "background": false, "error": .null,
            "incomplete_details": .null, "instructions": .null, "max_output_tokens": .null,
            "model": .string(options.model),
            "output": done ? .array(items.map { itemJSON($0, done: true) }) : [],
            "parallel_tool_calls": true, "previous_response_id": .null,
            "reasoning": ["effort": .null, "summary": .null], "service_tier": "default", "store": true,
            "temperature": 1, "text": ["format": ["type": "text"]], "tool_choice": "auto", "tools": [],
            "top_p": 1, "truncation": "disabled", "usage": usage, "user": .null, "metadata": .object([]),
        ]
    }

    static func body(_ response: CanonicalResponse, _ options: RenderOptions) -> JSONValue {
        let id = options.id ?? WireID.makeHex("resp_", length: 48)
        return responseObject(id: id, items(response, options), response, options, done: true)
    }

    static func events(_ response: CanonicalResponse, _ options: RenderOptions) -> [WireEvent] {
        let id = options.id ?? WireID.makeHex("resp_", length: 48)
        let items = items(response, options)
        var events: [WireEvent] = []
        func emit(_ type: String, _ members: [JSONMember]) {
            let object = JSONValue.object(
                [JSONMember("type", .string(type)), JSONMember("sequence_number", .int(events.count))] + members)
            events.append(WireEvent(event: type, data: object.serialized()))
        }
        let inProgress = responseObject(id: id, items, response, options, done: false)
        emit("response.created", [JSONMember("response", inProgress)])
        emit("response.in_progress", [JSONMember("response", inProgress)])
        for (outputIndex, item) in items.enumerated() {
            let location: [JSONMember] = [
                JSONMember("item_id", .string(item.id)), JSONMember("output_index", .int(outputIndex)),
            ]
            emit(
                "response.output_item.added",
                [
                    JSONMember("output_index", .int(outputIndex)), JSONMember("item", itemJSON(item, done: false)),
                ])
            if let call = item.call {
                for fragment in TextChunker.fragments(call.argumentsText, size: options.argumentFragmentCharacters) {
                    emit("response.function_call_arguments.delta", location + [JSONMember("delta", .string(fragment))])
                }
                emit(
                    "response.function_call_arguments.done",
                    location + [JSONMember("arguments", .string(call.argumentsText))])
            } else {
                let text = item.text ?? ""
                let part = location + [JSONMember("content_index", 0)]
                emit("response.content_part.added", part + [JSONMember("part", textPart(""))])
                for piece in TextChunker.words(text, maxCharacters: options.maxDeltaCharacters) {
                    emit(
                        "response.output_text.delta",
                        part + [JSONMember("delta", .string(piece)), JSONMember("logprobs", [])])
                }
                emit(
                    "response.output_text.done", part + [JSONMember("text", .string(text)), JSONMember("logprobs", [])])
                emit("response.content_part.done", part + [JSONMember("part", textPart(text))])
            }
            emit(
                "response.output_item.done",
                [
                    JSONMember("output_index", .int(outputIndex)), JSONMember("item", itemJSON(item, done: true)),
                ])
        }
        emit(
            "response.completed", [JSONMember("response", responseObject(id: id, items, response, options, done: true))]
        )
        return events
    }
}
