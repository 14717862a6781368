import UnderstudyArchive

/// OpenAI Chat Completions (also Azure OpenAI and OpenAI-compatible servers): the
/// `chat.completion` object and the `chat.completion.chunk` stream ending in `[DONE]`.
enum ChatCompletionsRenderer {
    static func body(_ response: CanonicalResponse, _ options: RenderOptions) -> JSONValue {
        var message: [JSONMember] = [
            JSONMember("role", "assistant"),
            JSONMember("content", response.content.map(JSONValue.string) ?? .null),
            JSONMember("refusal", .null),
        ]
        if !response.toolCalls.isEmpty {
            message.append(JSONMember("tool_calls", .array(toolCalls(response, options))))
        }
        message.append(JSONMember("annotations", .array([])))
        return .object([
            JSONMember("id", .string(options.id ?? WireID.make("chatcmpl-", length: 29))),
            JSONMember("object", "chat.completion"),
            JSONMember("created", .int(options.createdSeconds)),
            JSONMember("model", .string(options.model)),
            JSONMember(
                "choices",
                [
                    .object([
                        JSONMember("index", 0),
                        JSONMember("message", .object(message)),
                        JSONMember("logprobs", .null),
                        JSONMember("finish_reason", .string(finishReason(response))),
                    ])
                ]),
            JSONMember("usage", usage(response, options)),
            JSONMember("service_tier", "default"),
            JSONMember("system_fingerprint", .null),
        ])
    }

    static func events(_ response: CanonicalResponse, _ options: RenderOptions) -> [WireEvent] {
        let id = options.id ?? WireID.make("chatcmpl-", length: 29)
        let created = options.createdSeconds
        func chunk(_ delta: JSONValue, finish: JSONValue = .null) -> WireEvent {
            var members: [JSONMember] = [
                JSONMember("id", .string(id)),
                JSONMember("object", "chat.completion.chunk"),
                JSONMember("created", .int(created)),
                JSONMember("model", .string(options.model)),
                JSONMember("service_tier", "default"),
                JSONMember("system_fingerprint", .null),
                JSONMember(
                    "choices",
                    [
                        .object([
                            JSONMember("index", 0), JSONMember("delta", delta), JSONMember("logprobs", .null),
                            JSONMember("finish_reason", finish),
                        ])
                    ]),
            ]
            // With include_usage every chunk carries "usage": null until the final usage chunk.
            if options.includeUsage { members.append(JSONMember("usage", .null)) }
            return WireEvent(data: JSONValue.object(members).serialized())
        }

        var events: [WireEvent] = []
        let hasText = response.content != nil
        events.append(
            chunk([
                "role": "assistant", "content": hasText ? "" : .null, "refusal": .null,
            ]))
        for piece in TextChunker.words(response.content ?? "", maxCharacters: options.maxDeltaCharacters) {
            events.append(chunk(["content": .string(piece)]))
        }
        for (index, call) in response.toolCalls.enumerated() {
            let head: JSONValue = [
                "index": .int(index), "id": .string(options.toolCallID(index, prefix: "call_", length: 24)),
                "type": "function", "function": ["name": .string(call.name), "arguments": ""],
            ]
            events.append(chunk(["tool_calls": [head]]))
            for fragment in TextChunker.fragments(call.argumentsText, size: options.argumentFragmentCharacters) {
                let delta: JSONValue = ["index": .int(index), "function": ["arguments": .string(fragment)]]
                events.append(chunk(["tool_calls": [delta]]))
            }
        }
        events.append(chunk(.object([]), finish: .string(finishReason(response))))
        if options.includeUsage {
            let usageChunk: JSONValue = .object([
                JSONMember("id", .string(id)),
                JSONMember("object", "chat.completion.chunk"),
                JSONMember("created", .int(created)),
                JSONMember("model", .string(options.model)),
                JSONMember("service_tier", "default"),
                JSONMember("system_fingerprint", .null),
                JSONMember("choices", .array([])),
                JSONMember("usage", usage(response, options)),
            ])
            events.append(WireEvent(data: usageChunk.serialized()))
        }
        events.append(WireEvent(data: "[DONE]"))
        return events
    }

    static func toolCalls(_ response: CanonicalResponse, _ options: RenderOptions) -> [JSONValue] {
        response.toolCalls.enumerated().map { index, call in
            [
                "id": .string(options.toolCallID(index, prefix: "call_", length: 24)),
                "type": "function",
                "function": ["name": .string(call.name), "arguments": .string(call.argumentsText)],
            ]
        }
    }

    static func finishReason(_ response: CanonicalResponse) -> String {
        response.toolCalls.isEmpty ? "stop" : "tool_calls"
    }

    static func usage(_ response: CanonicalResponse, _ options: RenderOptions) -> JSONValue {
        let (input, output) = options.tokens(for: response)
        return [
            "prompt_tokens": .int(input), "completion_tokens": .int(output), "total_tokens": .int(input + output),
            "prompt_tokens_details": ["cached_tokens": 0, "audio_tokens": 0],
            "completion_tokens_details": [
                "reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            ],
        ]
    }
}
