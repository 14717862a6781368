import UnderstudyArchive

/// The OpenAI Responses API `response` object with `message` and `function_call` output items;
/// its stream is `ResponsesStream`.
enum ResponsesRenderer {
    /// One output item with its ids.
    struct Item: Sendable {
        var id: String
        var callID: String?
        var call: ToolCall?
        var text: String?

        static func message(_ text: String) -> Item { Item(id: WireID.makeHex("msg_", length: 48), text: text) }

        static func function(_ call: ToolCall, index: Int, _ options: RenderOptions) -> Item {
            Item(
                id: WireID.makeHex("fc_", length: 48), callID: options.toolCallID(index, prefix: "call_", length: 24),
                call: call)
        }

        func json(done: Bool) -> JSONValue {
            let status: JSONValue = done ? "completed" : "in_progress"
            if let call {
                return [
                    "id": .string(id), "type": "function_call", "status": status,
                    "arguments": .string(done ? call.argumentsText : ""), "call_id": .string(callID ?? ""),
                    "name": .string(call.name),
                ]
            }
            let content: [JSONValue] = done ? [ResponsesRenderer.textPart(text ?? "")] : []
            return [
                "id": .string(id), "type": "message", "status": status, "content": .array(content), "role": "assistant",
            ]
        }
    }

    static func textPart(_ text: String) -> JSONValue {
        ["type": "output_text", "annotations": [], "logprobs": [], "text": .string(text)]
    }

    /// The `response` object; `tokens` nil while in progress (usage null, output empty).
    static func responseObject(
        id: String, _ items: [Item], _ options: RenderOptions, tokens: (input: Int, output: Int)?
    )
        -> JSONValue
    {
        var usage: JSONValue = .null
        if let (input, output) = tokens {
            usage = [
                "input_tokens": .int(input), "input_tokens_details": ["cached_tokens": 0, "cache_write_tokens": 0],
                "output_tokens": .int(output), "output_tokens_details": ["reasoning_tokens": 0],
                "total_tokens": .int(input + output),
            ]
        }
        let done = tokens != nil
        return [
            "id": .string(id), "object": "response", "created_at": .int(options.createdSeconds),
            "status": done ? "completed" : "in_progress", "background": false, "error": .null,
            "incomplete_details": .null, "instructions": .null, "max_output_tokens": .null,
            "model": .string(options.model),
            "output": done ? .array(items.map { $0.json(done: true) }) : [],
            "parallel_tool_calls": true, "previous_response_id": .null,
            "reasoning": ["effort": .null, "summary": .null], "service_tier": "default", "store": true,
            "temperature": 1, "text": ["format": ["type": "text"]], "tool_choice": "auto", "tools": [],
            "top_p": 1, "truncation": "disabled", "usage": usage, "user": .null, "metadata": .object([]),
        ]
    }

    static func body(_ response: CanonicalResponse, _ options: RenderOptions) -> JSONValue {
        var items: [Item] = []
        if let text = response.content { items.append(.message(text)) }
        for (index, call) in response.toolCalls.enumerated() { items.append(.function(call, index: index, options)) }
        let id = options.id ?? WireID.makeHex("resp_", length: 48)
        return responseObject(id: id, items, options, tokens: options.tokens(for: response))
    }
}

/// Incremental Responses API events: `response.created`, `response.in_progress`, per item
/// `output_item.added`, (`content_part.added`, `output_text.delta`…, `output_text.done`,
/// `content_part.done`) or (`function_call_arguments.delta`…, `.done`), `output_item.done`,
/// and `response.completed` with the whole response. Every event has `sequence_number`; with
/// `options.obfuscation` the `….delta` events end with OpenAI's random `obfuscation` member.
struct ResponsesStream: Sendable {
    private let options: RenderOptions
    private let id: String
    private var items: [ResponsesRenderer.Item] = []
    private var openMessage = false
    private var sequence = 0

    init(_ options: RenderOptions) {
        self.options = options
        id = options.id ?? WireID.makeHex("resp_", length: 48)
    }

    private mutating func event(_ type: String, _ members: [JSONMember]) -> WireEvent {
        let object = JSONValue.object(
            [JSONMember("type", .string(type)), JSONMember("sequence_number", .int(sequence))] + members)
        sequence += 1
        return WireEvent(event: type, data: object.serialized())
    }

    private func location(_ index: Int) -> [JSONMember] {
        [JSONMember("item_id", .string(items[index].id)), JSONMember("output_index", .int(index))]
    }

    mutating func start() -> [WireEvent] {
        let inProgress = ResponsesRenderer.responseObject(id: id, [], options, tokens: nil)
        return [
            event("response.created", [JSONMember("response", inProgress)]),
            event("response.in_progress", [JSONMember("response", inProgress)]),
        ]
    }

    mutating func text(_ delta: String) -> [WireEvent] {
        var events: [WireEvent] = []
        if !openMessage {
            openMessage = true
            items.append(.message(""))
            let index = items.count - 1
            events.append(
                event(
                    "response.output_item.added",
                    [JSONMember("output_index", .int(index)), JSONMember("item", items[index].json(done: false))]))
            events.append(
                event(
                    "response.content_part.added",
                    location(index) + [
                        JSONMember("content_index", 0), JSONMember("part", ResponsesRenderer.textPart("")),
                    ]))
        }
        let index = items.count - 1
        items[index].text = (items[index].text ?? "") + delta
        events.append(
            event(
                "response.output_text.delta",
                location(index) + [
                    JSONMember("content_index", 0), JSONMember("delta", .string(delta)), JSONMember("logprobs", []),
                ] + options.padding()))
        return events
    }

    private mutating func closeMessage() -> [WireEvent] {
        guard openMessage else { return [] }
        openMessage = false
        let index = items.count - 1
        let text = items[index].text ?? ""
        let part = location(index) + [JSONMember("content_index", 0)]
        return [
            event("response.output_text.done", part + [JSONMember("text", .string(text)), JSONMember("logprobs", [])]),
            event("response.content_part.done", part + [JSONMember("part", ResponsesRenderer.textPart(text))]),
            event(
                "response.output_item.done",
                [JSONMember("output_index", .int(index)), JSONMember("item", items[index].json(done: true))]),
        ]
    }

    mutating func toolCall(_ call: ToolCall, index callIndex: Int) -> [WireEvent] {
        var events = closeMessage()
        items.append(.function(call, index: callIndex, options))
        let index = items.count - 1
        events.append(
            event(
                "response.output_item.added",
                [JSONMember("output_index", .int(index)), JSONMember("item", items[index].json(done: false))]))
        for fragment in TextChunker.fragments(call.argumentsText, size: options.argumentFragmentCharacters) {
            events.append(
                event(
                    "response.function_call_arguments.delta",
                    location(index) + [JSONMember("delta", .string(fragment))] + options.padding()))
        }
        events.append(
            event(
                "response.function_call_arguments.done",
                location(index) + [JSONMember("arguments", .string(call.argumentsText))]))
        events.append(
            event(
                "response.output_item.done",
                [JSONMember("output_index", .int(index)), JSONMember("item", items[index].json(done: true))]))
        return events
    }

    mutating func finish(_ answer: CanonicalResponse, tokens: (input: Int, output: Int)) -> [WireEvent] {
        var events = closeMessage()
        let response = ResponsesRenderer.responseObject(id: id, items, options, tokens: tokens)
        events.append(event("response.completed", [JSONMember("response", response)]))
        return events
    }
}
