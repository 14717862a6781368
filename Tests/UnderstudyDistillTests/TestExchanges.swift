import Foundation
import Synchronization
import UnderstudyArchive

/// Builds recorded exchanges in each provider's wire shape for the stage-one tests.
enum TestExchanges {
    static let clock = Mutex<Int64>(1_700_000_000_000_000)

    static func make(
        target: String, request: JSONValue, response: JSONValue?, status: Int = 200, outcome: Exchange.Outcome = .ok,
        sse: [SSEEvent]? = nil, mode: Exchange.Capture.Mode = .reverse
    ) -> Exchange {
        let start = clock.withLock { value -> Int64 in
            value += 1_000_000
            return value
        }
        var exchange = Exchange(
            capture: .init(mode: mode, listener: "127.0.0.1:8080", client: "127.0.0.1:50000"),
            timing: .init(startMicros: start, firstByteMs: 100, endMs: 250),
            request: .init(
                method: "POST", target: target, headers: [HTTPHeaderField("content-type", "application/json")]),
            outcome: outcome)
        exchange.request.body = HTTPBody(bytes: request.serializedBytes())
        if let response {
            exchange.response = .init(
                status: status, headers: [HTTPHeaderField("content-type", "application/json")],
                body: HTTPBody(bytes: response.serializedBytes()), sse: sse)
        } else if let sse {
            exchange.response = .init(
                status: status, headers: [HTTPHeaderField("content-type", "text/event-stream")], sse: sse)
        }
        return exchange
    }

    static func openAI(
        system: String = "You are a support agent for Acme.", user: String, answer: String? = nil,
        toolCall: (String, String)? = nil, model: String = "gpt-4o", extra: [JSONMember] = []
    ) -> Exchange {
        var message: [JSONMember] = [
            JSONMember("role", "assistant"), JSONMember("content", answer.map(JSONValue.string) ?? .null),
        ]
        if let toolCall {
            message.append(
                JSONMember(
                    "tool_calls",
                    [
                        [
                            "id": "call_1", "type": "function",
                            "function": ["name": .string(toolCall.0), "arguments": .string(toolCall.1)],
                        ]
                    ]))
        }
        let request: JSONValue = .object(
            [
                JSONMember("model", .string(model)),
                JSONMember(
                    "messages",
                    [["role": "system", "content": .string(system)], ["role": "user", "content": .string(user)]]),
                JSONMember(
                    "tools",
                    [
                        [
                            "type": "function",
                            "function": [
                                "name": "send_email", "description": "Send an email",
                                "parameters": ["type": "object", "properties": ["to": ["type": "string"]]],
                            ],
                        ]
                    ]),
            ] + extra)
        let response: JSONValue = [
            "id": "chatcmpl-1", "object": "chat.completion", "model": .string(model),
            "choices": [["index": 0, "message": .object(message), "finish_reason": "stop"]],
            "usage": ["prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100],
        ]
        return make(target: "/v1/chat/completions", request: request, response: response)
    }

    static func anthropic(user: String, answer: String) -> Exchange {
        make(
            target: "/v1/messages",
            request: [
                "model": "claude-3-5-sonnet-20241022", "max_tokens": 256, "system": "You triage tickets.",
                "messages": [["role": "user", "content": [["type": "text", "text": .string(user)]]]],
            ],
            response: [
                "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-3-5-sonnet-20241022",
                "content": [["type": "text", "text": .string(answer)]], "stop_reason": "end_turn",
                "usage": ["input_tokens": 50, "output_tokens": 10],
            ])
    }

    static func responses(user: String, answer: String) -> Exchange {
        make(
            target: "/v1/responses",
            request: ["model": "gpt-4.1", "instructions": "Summarize.", "input": .string(user)],
            response: [
                "id": "resp_1", "object": "response", "status": "completed",
                "output": [
                    [
                        "type": "message", "role": "assistant",
                        "content": [["type": "output_text", "text": .string(answer)]],
                    ]
                ],
                "usage": ["input_tokens": 20, "output_tokens": 5, "total_tokens": 25],
            ])
    }

    static func gemini(user: String, answer: String) -> Exchange {
        make(
            target: "/v1beta/models/gemini-1.5-pro:generateContent?key=AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
            request: [
                "systemInstruction": ["parts": [["text": "Classify the text."]]],
                "contents": [["role": "user", "parts": [["text": .string(user)]]]],
            ],
            response: [
                "candidates": [
                    ["content": ["role": "model", "parts": [["text": .string(answer)]]], "finishReason": "STOP"]
                ],
                "usageMetadata": ["promptTokenCount": 12, "candidatesTokenCount": 3],
            ])
    }

    static func openAIStream(user: String, answer: String) -> Exchange {
        let chunk1: JSONValue = [
            "id": "c1", "object": "chat.completion.chunk", "model": "gpt-4o",
            "choices": [
                ["index": 0, "delta": ["role": "assistant", "content": .string(answer)], "finish_reason": nil]
            ],
        ]
        let chunk2: JSONValue = [
            "id": "c1", "object": "chat.completion.chunk", "model": "gpt-4o",
            "choices": [["index": 0, "delta": [:], "finish_reason": "stop"]],
        ]
        return make(
            target: "/v1/chat/completions",
            request: ["model": "gpt-4o", "stream": true, "messages": [["role": "user", "content": .string(user)]]],
            response: nil,
            sse: [
                SSEEvent(tMs: 100, data: chunk1.serialized()), SSEEvent(tMs: 120, data: chunk2.serialized()),
                SSEEvent(tMs: 121, data: "[DONE]"),
            ])
    }

    /// Writes exchanges as a capture archive with ArchiveWriter.
    static func writeArchive(_ exchanges: [Exchange], to directory: URL) throws {
        let writer = try ArchiveWriter(configuration: ArchiveWriterConfiguration(directory: directory))
        for exchange in exchanges { writer.append(exchange) }
        try writer.close()
    }
}
