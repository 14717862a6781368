import Testing
import UnderstudyArchive
import UnderstudyWire

struct ExchangeInterpreterTests {
    private func exchange(
        _ target: String, request: String, status: Int = 200, contentType: String = "text/event-stream",
        body: [UInt8] = [], sse: [SSEEvent]? = nil
    ) -> Exchange {
        Exchange(
            capture: .init(mode: .reverse),
            request: .init(method: "POST", target: target, body: HTTPBody(bytes: Array(request.utf8))),
            response: .init(
                status: status, headers: [HTTPHeaderField("Content-Type", contentType)], body: HTTPBody(bytes: body),
                sse: sse))
    }

    private func events(_ lines: [String]) -> [SSEEvent] {
        lines.enumerated().map { SSEEvent(tMs: Double($0.offset), data: $0.element) }
    }

    @Test func openAIStreamWithParallelToolCallsSplitAcrossManyChunks() throws {
        let head =
            #"{"id":"chatcmpl-9x","object":"chat.completion.chunk","created":1730000000,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_1","choices":["#
        let tail = #"],"usage":null}"#
        func chunk(_ choice: String) -> String { head + choice + tail }
        var lines = [
            chunk(
                #"{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_w","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}"#
            )
        ]
        for piece in [#"{"ci"#, #"ty": "#, #""Pa"#, #"ris"}"#] {
            lines.append(
                chunk(
                    #"{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"#
                        + JSONValue.string(piece).serialized() + "}}]},\"finish_reason\":null}"))
        }
        lines.append(
            chunk(
                #"{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_t","type":"function","function":{"name":"get_time","arguments":""}}]},"finish_reason":null}"#
            ))
        for piece in [#"{"tz""#, #":"CET"}"#] {
            lines.append(
                chunk(
                    #"{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"#
                        + JSONValue.string(piece).serialized() + "}}]},\"finish_reason\":null}"))
        }
        lines.append(chunk(#"{"index":0,"delta":{},"finish_reason":"tool_calls"}"#))
        lines.append(
            #"{"id":"chatcmpl-9x","object":"chat.completion.chunk","created":1730000000,"model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":82,"completion_tokens":40,"total_tokens":122}}"#
        )
        lines.append("[DONE]")

        let info = try #require(
            ExchangeInterpreter.interpret(
                exchange(
                    "/v1/chat/completions",
                    request: #"{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true}}"#,
                    sse: events(lines))))
        #expect(info.provider == "openai" && info.api == "chat.completions" && info.model == "gpt-4o" && info.stream)
        #expect(info.usage == Exchange.Usage(inputTokens: 82, outputTokens: 40))
        let assembled = try #require(info.assembled)
        #expect(assembled["object"] == "chat.completion")
        #expect(assembled["model"] == "gpt-4o-2024-08-06")
        let message = try #require(assembled["choices"]?[0]?["message"])
        #expect(message["content"] == .null)
        #expect(assembled["choices"]?[0]?["finish_reason"] == "tool_calls")
        let calls = try #require(message["tool_calls"]?.arrayValue)
        #expect(calls.map { $0["id"] } == ["call_w", "call_t"])
        #expect(
            calls.map { $0["function"]?["arguments"] } == [.string(#"{"city": "Paris"}"#), .string(#"{"tz":"CET"}"#)])
    }

    @Test func streamAssemblyMatchesTheNonStreamBodyForEveryAPI() throws {
        let answer = CanonicalResponse(
            content: "Here you go, two calls.",
            toolCalls: [
                ToolCall(name: "lookup", arguments: ["q": "a \"quoted\" word", "n": 3]), ToolCall(name: "noop"),
            ])
        let options = RenderOptions(
            model: "m-1", id: "fixed", created: 1, usage: Exchange.Usage(inputTokens: 5, outputTokens: 7),
            includeUsage: true,
            maxDeltaCharacters: 3, argumentFragmentCharacters: 2, toolCallIDs: ["id0", "id1"])
        for (target, api) in [
            ("/v1/chat/completions", LLMEndpoint.API.chatCompletions), ("/v1/messages", .messages),
            ("/v1/responses", .responses),
        ] {
            let streamed = WireRenderer.render(
                answer, for: LLMEndpoint(provider: .openai, api: api, stream: true), options: options)
            let recorded = streamed.events.map { SSEEvent(tMs: 0, event: $0.event, data: $0.data) }
            let info = try #require(
                ExchangeInterpreter.interpret(exchange(target, request: #"{"stream":true}"#, sse: recorded)))
            let plain = WireRenderer.render(answer, for: LLMEndpoint(provider: .openai, api: api), options: options)
            let assembled = try #require(info.assembled, "\(api)")
            #expect(CanonicalResponse(assembled: assembled, api: api) == answer, "\(api)")
            #expect(info.usage == Exchange.Usage(inputTokens: 5, outputTokens: 7), "\(api)")
            switch api {
            case .chatCompletions:
                #expect(
                    assembled["choices"]?[0]?["message"]?["tool_calls"]
                        == plain.body?["choices"]?[0]?["message"]?["tool_calls"])
            case .messages:
                #expect(assembled["content"] == plain.body?["content"])
                #expect(assembled["stop_reason"] == "tool_use")
            default:
                #expect(assembled["output"]?.arrayValue?.count == 3)
            }
        }
    }

    @Test func anthropicInputJSONDeltaAndCachedUsage() throws {
        let sse: [SSEEvent] = [
            (
                "message_start",
                #"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":472,"cache_creation_input_tokens":0,"cache_read_input_tokens":100,"output_tokens":2}}}"#
            ),
            (
                "content_block_start",
                #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#
            ),
            ("ping", #"{"type": "ping"}"#),
            (
                "content_block_delta",
                #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Let me "}}"#
            ),
            (
                "content_block_delta",
                #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"check."}}"#
            ),
            ("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
            (
                "content_block_start",
                #"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{}}}"#
            ),
            (
                "content_block_delta",
                #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}"#
            ),
            (
                "content_block_delta",
                #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"location\": \"San Fra"}}"#
            ),
            (
                "content_block_delta",
                #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ncisco, CA\", \"unit\": \"fahrenheit\"}"}}"#
            ),
            ("content_block_stop", #"{"type":"content_block_stop","index":1}"#),
            (
                "message_delta",
                #"{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}"#
            ),
            ("message_stop", #"{"type":"message_stop"}"#),
        ].map { SSEEvent(tMs: 0, event: $0.0, data: $0.1) }
        let info = try #require(
            ExchangeInterpreter.interpret(
                exchange(
                    "/v1/messages", request: #"{"model":"claude-sonnet-4-5","stream":true,"max_tokens":100}"#, sse: sse)
            ))
        #expect(info.usage == Exchange.Usage(inputTokens: 572, outputTokens: 89))
        let assembled = try #require(info.assembled)
        #expect(assembled["stop_reason"] == "tool_use")
        #expect(assembled["content"]?[0]?["text"] == "Let me check.")
        #expect(assembled["content"]?[1]?["input"] == ["location": "San Francisco, CA", "unit": "fahrenheit"])
    }

    @Test func responsesStreamCutBeforeCompletionIsAssembledFromDeltas() throws {
        let lines = [
            #"{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","model":"gpt-4.1","output":[],"usage":null}}"#,
            #"{"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"fc_1","type":"function_call","status":"in_progress","arguments":"","call_id":"call_1","name":"search"}}"#,
            #"{"type":"response.function_call_arguments.delta","sequence_number":2,"item_id":"fc_1","output_index":0,"delta":"{\"query\":"}"#,
            #"{"type":"response.function_call_arguments.delta","sequence_number":3,"item_id":"fc_1","output_index":0,"delta":"\"swift\"}"}"#,
            #"{"type":"response.output_item.added","sequence_number":4,"output_index":1,"item":{"id":"msg_1","type":"message","status":"in_progress","role":"assistant","content":[]}}"#,
            #"{"type":"response.output_text.delta","sequence_number":5,"item_id":"msg_1","output_index":1,"content_index":0,"delta":"Searching"}"#,
            #"{"type":"response.output_text.delta","sequence_number":6,"item_id":"msg_1","output_index":1,"content_index":0,"delta":" now"}"#,
        ]
        let sse = lines.map {
            SSEEvent(tMs: 0, event: try? JSONValue(parsing: $0)["type"]?.stringValue ?? nil, data: $0)
        }
        let info = try #require(
            ExchangeInterpreter.interpret(
                exchange("/v1/responses", request: #"{"model":"gpt-4.1","stream":true}"#, sse: sse)))
        let assembled = try #require(info.assembled)
        #expect(assembled["output"]?[0]?["arguments"] == .string(#"{"query":"swift"}"#))
        #expect(assembled["output"]?[1]?["content"]?[0]?["text"] == "Searching now")
        #expect(
            CanonicalResponse(assembled: assembled, api: .responses)
                == CanonicalResponse(
                    content: "Searching now", toolCalls: [ToolCall(name: "search", arguments: ["query": "swift"])]))
        #expect(info.usage == nil)
    }

    @Test func geminiSSEChunksAndJSONArrayStreamMerge() throws {
        let chunks = [
            #"{"candidates":[{"content":{"parts":[{"text":"The answer"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":9,"totalTokenCount":9},"modelVersion":"gemini-2.0-flash"}"#,
            #"{"candidates":[{"content":{"parts":[{"text":" is 42."}],"role":"model"},"index":0}],"modelVersion":"gemini-2.0-flash"}"#,
            #"{"candidates":[{"content":{"parts":[{"functionCall":{"name":"record","args":{"value":42}}}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":6,"totalTokenCount":15},"modelVersion":"gemini-2.0-flash"}"#,
        ]
        let expected = CanonicalResponse(
            content: "The answer is 42.", toolCalls: [ToolCall(name: "record", arguments: ["value": 42])])
        let viaSSE = try #require(
            ExchangeInterpreter.interpret(
                exchange(
                    "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse", request: "{}", sse: events(chunks))
            ))
        let viaArray = try #require(
            ExchangeInterpreter.interpret(
                exchange(
                    "/v1beta/models/gemini-2.0-flash:streamGenerateContent", request: "{}",
                    contentType: "application/json",
                    body: Array(("[" + chunks.joined(separator: ",\r\n") + "]").utf8))))
        for info in [viaSSE, viaArray] {
            #expect(info.model == "gemini-2.0-flash" && info.stream)
            #expect(info.usage == Exchange.Usage(inputTokens: 9, outputTokens: 6))
            #expect(info.assembled?["candidates"]?[0]?["finishReason"] == "STOP")
            #expect(CanonicalResponse(assembled: info.assembled!, api: .generateContent) == expected)
        }
    }

    @Test func streamBodyWithoutRecordedEventsIsParsedFromTheBytes() throws {
        let body =
            "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hel\"}}]}\r\n\r\ndata: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\r\n\r\ndata: [DONE]"
        let info = try #require(
            ExchangeInterpreter.interpret(
                exchange(
                    "/v1/chat/completions", request: #"{"stream":true}"#, body: Array(body.utf8))))
        #expect(info.assembled?["choices"]?[0]?["message"]?["content"] == "hello")
    }

    @Test func nonStreamBodiesAndErrorsAreTheParsedBody() throws {
        let errorBody = #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#
        let info = try #require(
            ExchangeInterpreter.interpret(
                exchange(
                    "/v1/messages", request: #"{"model":"claude-x","stream":true}"#, status: 529,
                    contentType: "application/json",
                    body: Array(errorBody.utf8))))
        #expect(info.assembled == (try JSONValue(parsing: errorBody)))
        #expect(info.usage == nil)

        let ok =
            #"{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}"#
        let plain = try #require(
            ExchangeInterpreter.interpret(
                exchange(
                    "/v1/chat/completions", request: #"{"model":"gpt-4o"}"#, contentType: "application/json",
                    body: Array(ok.utf8))))
        #expect(plain.assembled == (try JSONValue(parsing: ok)))
        #expect(plain.usage == Exchange.Usage(inputTokens: 3, outputTokens: 1))
        #expect(!plain.stream)
    }

    /// A plain answer is kept as its body's bytes when they are compact (no parse, no second
    /// serialisation): usage and model must still be read from it, for every API, and a body in
    /// another spelling (pretty-printed, as some servers send) must give the same message.
    @Test func plainAnswersKeptAsBytesStillYieldUsageAndModel() throws {
        let cases: [(target: String, request: String, body: String, usage: Exchange.Usage, model: String)] = [
            ("/v1/chat/completions", #"{"messages":[]}"#,
             #"{"id":"c","model":"gpt-4o","choices":[{"message":{"content":"é"}}],"usage":{"prompt_tokens":3,"completion_tokens":1}}"#,
             .init(inputTokens: 3, outputTokens: 1), "gpt-4o"),
            ("/v1/responses", #"{"input":"x"}"#,
             #"{"id":"r","model":"gpt-4.1","output":[],"usage":{"input_tokens":5,"output_tokens":2}}"#,
             .init(inputTokens: 5, outputTokens: 2), "gpt-4.1"),
            ("/v1/messages", #"{"messages":[]}"#,
             #"{"model":"claude-x","content":[],"usage":{"input_tokens":4,"cache_read_input_tokens":6,"output_tokens":9}}"#,
             .init(inputTokens: 10, outputTokens: 9), "claude-x"),
            ("/v1beta/models/gemini-2.0-flash:generateContent", #"{"contents":[]}"#,
             #"{"candidates":[],"usageMetadata":{"promptTokenCount":7,"candidatesTokenCount":2},"modelVersion":"gemini-2.0-flash"}"#,
             .init(inputTokens: 7, outputTokens: 2), "gemini-2.0-flash"),
        ]
        for c in cases {
            for spelling in [c.body, c.body.replacing(",", with: ",\n  ")] {
                let body = Array(spelling.utf8)
                let info = try #require(
                    ExchangeInterpreter.interpret(
                        exchange(c.target, request: c.request, contentType: "application/json", body: body)))
                #expect(info.assembled == (try JSONValue(parsing: body)), "\(c.target)")
                #expect((info.assembledJSON == body) == (spelling == c.body), "\(c.target)")
                #expect(info.usage == c.usage, "\(c.target)")
                #expect(info.model == c.model, "\(c.target)")
            }
        }
        let broken = try #require(
            ExchangeInterpreter.interpret(
                exchange("/v1/chat/completions", request: "{}", contentType: "application/json",
                         body: Array(#"{"usage":{"prompt_tokens":3}"#.utf8))))
        #expect(!broken.hasAssembled)
        #expect(broken.usage == nil)
    }

    @Test func garbageNeverThrowsAndNonLLMRequestsAreNil() {
        var generator = SystemRandomNumberGenerator()
        for target in [
            "/v1/chat/completions", "/v1/responses", "/v1/messages", "/v1beta/models/g:streamGenerateContent",
        ] {
            for _ in 0..<50 {
                let noise = (0..<Int.random(in: 0...300, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
                let text = String(decoding: noise, as: UTF8.self)
                let sse = [
                    SSEEvent(tMs: 0, data: text),
                    SSEEvent(
                        tMs: 1,
                        data:
                            #"{"choices":[{"delta":{"tool_calls":[{"index":-5}]}}],"type":"content_block_delta","index":99}"#
                    ),
                ]
                let info = ExchangeInterpreter.interpret(exchange(target, request: text, body: noise, sse: sse))
                #expect(info != nil)
                let json = ExchangeInterpreter.interpret(
                    exchange(target, request: text, contentType: "application/json", body: noise))
                #expect(json?.assembled == nil || JSONValue.isValid(noise))
            }
        }
        #expect(ExchangeInterpreter.interpret(exchange("/healthz", request: "{}")) == nil)
    }

    /// Random answers (unicode, control characters, escapes, nested arguments, exact number
    /// text) rendered in every API and stream mode and interpreted back come out unchanged.
    @Test func randomAnswersSurviveRenderingAndAssembly() throws {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("ab Z09 _-\"\\\n\t\u{1}é日本🎭{}[]:,")
        func text() -> String {
            String((0..<Int.random(in: 1...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
        }
        func value(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0...(depth > 2 ? 3 : 5), using: &rng) {
            case 0: return .string(text())
            case 1: return .number(["0", "-12", "1.50", "3e5", "12345678901234567890"].randomElement(using: &rng)!)
            case 2: return .bool(Bool.random(using: &rng))
            case 3: return .null
            case 4: return .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in value(depth + 1) })
            default: return object(depth + 1)
            }
        }
        func object(_ depth: Int) -> JSONValue {
            .object((0..<Int.random(in: 0...4, using: &rng)).map { JSONMember("k\($0)\(text())", value(depth)) })
        }
        let endpoints: [(String, LLMEndpoint)] = [
            ("/v1/chat/completions", LLMEndpoint(provider: .openai, api: .chatCompletions)),
            ("/v1/responses", LLMEndpoint(provider: .openai, api: .responses)),
            ("/v1/messages", LLMEndpoint(provider: .anthropic, api: .messages)),
        ]
        for _ in 0..<40 {
            let calls = (0..<Int.random(in: 0...3, using: &rng)).map { i in
                ToolCall(name: "tool_\(i)", arguments: object(0))
            }
            let content: String? = calls.isEmpty || Bool.random(using: &rng) ? text() : nil
            let answer = CanonicalResponse(content: content, toolCalls: calls)
            let options = RenderOptions(
                maxDeltaCharacters: Int.random(in: 1...9, using: &rng),
                argumentFragmentCharacters: Int.random(in: 1...9, using: &rng))
            for (target, endpoint) in endpoints {
                for stream in [false, true] {
                    let request: JSONValue = ["model": "m", "stream": .bool(stream)]
                    let rendered = WireRenderer.render(answer, answering: request, at: endpoint, options: options)
                    let info = ExchangeInterpreter.interpret(
                        exchange(
                            target, request: request.serialized(), contentType: rendered.contentType,
                            body: rendered.bytes))
                    let assembled = try #require(info?.assembled, "\(target) stream \(stream)")
                    #expect(
                        CanonicalResponse(assembled: assembled, api: endpoint.api) == answer,
                        "\(target) stream \(stream): \(answer.json.serialized())")
                }
            }
            for sse in [false, true] {
                let gemini = LLMEndpoint(provider: .gemini, api: .generateContent, model: "g", stream: true, sse: sse)
                let rendered = WireRenderer.render(answer, for: gemini, options: options)
                let info = ExchangeInterpreter.interpret(
                    exchange(
                        gemini.canonicalPath, request: "{}", contentType: rendered.contentType, body: rendered.bytes))
                let assembled = try #require(info?.assembled)
                #expect(CanonicalResponse(assembled: assembled, api: .generateContent) == answer, "gemini sse \(sse)")
            }
        }
    }
}
