import Testing
import UnderstudyArchive
import UnderstudyWire

struct CanonicalExchangeTests {
    static let schema =
        #"{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["c","f"]}},"required":["city"]}"#
    static let system = "You are a weather assistant. Today is 2025-03-14."

    /// The same conversation (system, tool, user, assistant tool call, tool result, user) in
    /// each provider's request format.
    static let requests: [(LLMEndpoint, String)] = [
        (
            LLMEndpoint(provider: .openai, api: .chatCompletions),
            #"""
            {"model":"gpt-4o","messages":[
              {"role":"system","content":"You are a weather assistant. Today is 2025-03-14."},
              {"role":"user","content":[{"type":"text","text":"Weather in Paris?"},{"type":"image_url","image_url":{"url":"data:x"}}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"18C, sunny"},
              {"role":"user","content":"And tomorrow?"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather","parameters":SCHEMA}}]}
            """#
        ),
        (
            LLMEndpoint(provider: .openai, api: .responses),
            #"""
            {"model":"gpt-4.1","instructions":"You are a weather assistant. Today is 2025-03-14.","input":[
              {"role":"user","content":[{"type":"input_text","text":"Weather in Paris?"}]},
              {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},
              {"type":"function_call_output","call_id":"call_1","output":"18C, sunny"},
              {"type":"message","role":"user","content":"And tomorrow?"}],
             "tools":[{"type":"function","name":"get_weather","description":"Current weather","parameters":SCHEMA,"strict":false}]}
            """#
        ),
        (
            LLMEndpoint(provider: .anthropic, api: .messages),
            #"""
            {"model":"claude-sonnet-4-5","max_tokens":1024,
             "system":[{"type":"text","text":"You are a weather assistant. Today is 2025-03-14.","cache_control":{"type":"ephemeral"}}],
             "messages":[
              {"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","content":[{"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"18C, sunny"},{"type":"text","text":"And tomorrow?"}]}],
             "tools":[{"name":"get_weather","description":"Current weather","input_schema":SCHEMA}]}
            """#
        ),
        (
            LLMEndpoint(provider: .gemini, api: .generateContent),
            #"""
            {"systemInstruction":{"parts":[{"text":"You are a weather assistant. Today is 2025-03-14."}]},
             "contents":[
              {"role":"user","parts":[{"text":"Weather in Paris?"}]},
              {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}]},
              {"role":"user","parts":[{"functionResponse":{"id":"call_1","name":"get_weather","response":{"result":"18C, sunny"}}}]},
              {"role":"user","parts":[{"text":"And tomorrow?"}]}],
             "tools":[{"functionDeclarations":[{"name":"get_weather","description":"Current weather","parameters":SCHEMA}]}]}
            """#
        ),
    ]

    private func canonical(_ index: Int) throws -> CanonicalExchange {
        let (endpoint, text) = Self.requests[index]
        let body = try JSONValue(parsing: text.replacingOccurrences(of: "SCHEMA", with: Self.schema))
        return CanonicalExchange(endpoint: endpoint, requestBody: body)
    }

    @Test func everyProviderGivesTheSameConversationAndPrefixHash() throws {
        let expectedTool = ToolSpec(
            name: "get_weather", description: "Current weather", parameters: try JSONValue(parsing: Self.schema))
        let all = try (0..<Self.requests.count).map(canonical)
        for c in all {
            #expect(c.prefix == CanonicalPrefix(system: Self.system, tools: [expectedTool]), "\(c.endpoint.provider)")
            #expect(c.prefixHash == all[0].prefixHash, "\(c.endpoint.provider)")
            #expect(c.messages.map(\.role) == [.user, .assistant, .tool, .user], "\(c.endpoint.provider)")
            #expect(c.messages[0].content == "Weather in Paris?")
            #expect(c.messages[1].toolCalls == [ToolCall(name: "get_weather", arguments: ["city": "Paris"])])
            #expect(c.messages[2].toolCallID == "call_1")
            #expect(c.messages[3].content == "And tomorrow?")
        }
        #expect(all[0].messages == all[1].messages && all[1].messages == all[2].messages)
        #expect(all[3].messages[2].content == #"{"result":"18C, sunny"}"#)
    }

    @Test func prefixHashIgnoresVariableSpansAndKeyOrderButNotWording() throws {
        let tools = [ToolSpec(name: "f", parameters: ["type": "object", "properties": ["a": ["type": "string"]]])]
        func hash(_ system: String, _ tools: [ToolSpec] = tools) -> String {
            CanonicalPrefix(system: system, tools: tools).hash
        }
        let base = hash(
            "Date: 2025-03-14T09:30:00Z. Request 0f8fad5b-d9cb-469f-a165-70867728950e, session 8f3c2a91d0e4, order 123456."
        )
        #expect(
            base
                == hash(
                    "Date: 2024-12-01T23:59:59Z. Request 7c9e6679-7425-40de-944b-e07fc1f90ae7, session 1a2b3c4d5e6f, order 98765."
                ))
        #expect(
            base
                != hash(
                    "Date: 2025-03-14T09:30:00Z. Ticket 0f8fad5b-d9cb-469f-a165-70867728950e, session 8f3c2a91d0e4, order 123456."
                ))
        let reordered = [ToolSpec(name: "f", parameters: ["properties": ["a": ["type": "string"]], "type": "object"])]
        #expect(hash("x", tools) == hash("x", reordered))
        #expect(hash("x", tools) != hash("x", []))
        #expect(base.count == 64 && base.allSatisfy(\.isHexDigit))
    }

    @Test func maskerKeepsOrdinaryTextAndShortNumbers() {
        #expect(
            PrefixMasker.mask("Use at most 3 tools; port 80; version 2.1.")
                == "Use at most 3 tools; port 80; version 2.1.")
        #expect(PrefixMasker.mask("Now 14/03/2025 at 9:05, id deadbeefcafe1234") == "Now <date> at <time>, id <hex>")
        #expect(
            PrefixMasker.mask("Words like decade and accede stay; abc12345 too.")
                == "Words like decade and accede stay; <hex> too.")
        #expect(PrefixMasker.mask("Günter's order 2025 ünd 12:30:45.120 🎭") == "Günter's order <num> ünd <time> 🎭")
    }

    @Test func recordedExchangeGetsItsResponseAndFailedOnesDoNot() throws {
        let request = try JSONValue(
            parsing:
                #"{"model":"gpt-4o","stream":true,"messages":[{"role":"system","content":"S"},{"role":"user","content":"hi"}]}"#
        )
        let answer = CanonicalResponse(
            content: "Hello there!", toolCalls: [ToolCall(name: "wave", arguments: ["times": 2])])
        let rendered = WireRenderer.render(
            answer, answering: request, at: LLMEndpoint(provider: .openai, api: .chatCompletions))
        var exchange = Exchange(
            capture: .init(mode: .reverse),
            request: .init(
                method: "POST", target: "/v1/chat/completions", body: HTTPBody(bytes: request.serializedBytes())),
            response: .init(
                status: 200, body: HTTPBody(bytes: rendered.bytes),
                sse: rendered.events.map { SSEEvent(tMs: 1, event: $0.event, data: $0.data) }))
        let canonical = try #require(CanonicalExchange(exchange))
        #expect(canonical.response == answer)
        #expect(canonical.prefix.system == "S")
        #expect(canonical.messages == [CanonicalMessage(role: .user, content: "hi")])
        #expect(canonical.json["varying"]?[0]?["role"] == "user")

        exchange.response?.status = 500
        #expect(CanonicalExchange(exchange)?.response == nil)
        exchange.request.target = "/v1/models"
        #expect(CanonicalExchange(exchange) == nil)
    }

    /// The router's path: a request in any API and stream mode, a canonical answer rendered for
    /// it, then read back as a recording would be: the same answer comes out.
    @Test func routerRoundTripInEveryFormatAndStreamMode() throws {
        let answer = CanonicalResponse(
            content: "Tomorrow: 20C.",
            toolCalls: [ToolCall(name: "get_weather", arguments: ["city": "Paris", "day": 1])])
        for index in Self.requests.indices {
            for stream in [false, true] {
                var (endpoint, text) = Self.requests[index]
                var body = try JSONValue(parsing: text.replacingOccurrences(of: "SCHEMA", with: Self.schema))
                if endpoint.provider == .gemini {
                    endpoint = LLMEndpoint(
                        provider: .gemini, api: .generateContent, model: "gemini-2.0-flash", stream: stream)
                } else if stream {
                    body.set("stream", true)
                }
                let rendered = WireRenderer.render(answer, answering: body, at: endpoint)
                #expect(rendered.isStream == stream, "\(endpoint.provider) stream \(stream)")
                let target =
                    stream && endpoint.provider == .gemini
                    ? endpoint.canonicalPath
                    : LLMEndpoint(provider: endpoint.provider, api: endpoint.api, model: endpoint.model).canonicalPath
                let exchange = Exchange(
                    capture: .init(mode: .reverse),
                    request: .init(method: "POST", target: target, body: HTTPBody(bytes: body.serializedBytes())),
                    response: .init(
                        status: 200, headers: [HTTPHeaderField("content-type", rendered.contentType)],
                        body: HTTPBody(bytes: rendered.bytes)))
                let canonical = try #require(CanonicalExchange(exchange), "\(endpoint.provider) stream \(stream)")
                #expect(canonical.response == answer, "\(endpoint.provider) stream \(stream)")
                #expect(canonical.endpoint.stream == stream, "\(endpoint.provider) stream \(stream)")
                #expect(canonical.messages.count == 4)
            }
        }
    }
}
