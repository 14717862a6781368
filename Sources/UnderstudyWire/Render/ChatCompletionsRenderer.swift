import UnderstudyArchive

/// OpenAI Chat Completions (also Azure OpenAI and OpenAI-compatible servers): the
/// `chat.completion` object; its stream is `ChatCompletionsStream`.
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
            JSONMember("usage", usage(options.tokens(for: response))),
            JSONMember("service_tier", "default"),
            JSONMember("system_fingerprint", .null),
        ])
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

    static func usage(_ tokens: (input: Int, output: Int)) -> JSONValue {
        let (input, output) = tokens
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
