import Testing
import UnderstudyArchive
import UnderstudyWire

struct StreamRendererTests {
    static let endpoints: [(String, LLMEndpoint)] = [
        ("/v1/chat/completions", LLMEndpoint(provider: .openai, api: .chatCompletions, stream: true)),
        ("/v1/responses", LLMEndpoint(provider: .openai, api: .responses, stream: true)),
        ("/v1/messages", LLMEndpoint(provider: .anthropic, api: .messages, stream: true)),
        (
            "/v1beta/models/g:streamGenerateContent?alt=sse",
            LLMEndpoint(provider: .gemini, api: .generateContent, model: "g", stream: true)
        ),
    ]

    /// Reads events back the way the recorder does.
    private func assemble(_ events: [WireEvent], target: String) -> Exchange.LLMInfo? {
        let exchange = Exchange(
            capture: .init(mode: .reverse),
            request: .init(method: "POST", target: target, body: HTTPBody(bytes: Array(#"{"stream":true}"#.utf8))),
            response: .init(
                status: 200, sse: events.map { SSEEvent(tMs: 0, event: $0.event, data: $0.data) }))
        return ExchangeInterpreter.interpret(exchange)
    }

    @Test func deltasGoOutAsTheyComeAndAssembleToTheAnswer() throws {
        let call = ToolCall(name: "book", arguments: ["seat": "12A", "meal": ["veg", "no nuts"]])
        for (target, endpoint) in Self.endpoints {
            var stream = StreamRenderer(endpoint: endpoint, options: RenderOptions(model: "m", includeUsage: true))
            var events = stream.start()
            let textEvents = stream.text("Booking ") + stream.text("your ") + stream.text("seat.")
            events += textEvents
            events += stream.toolCall(call)
            events += stream.finish(usage: Exchange.Usage(inputTokens: 40, outputTokens: 12))
            #expect(stream.finish().isEmpty && stream.text("late").isEmpty, "\(target): nothing after finish")
            // One event per delta (plus the opening of the text block/item/role where the API has one).
            #expect((3...6).contains(textEvents.count), "\(target): \(textEvents.count) events for 3 deltas")
            let info = try #require(assemble(events, target: target), "\(target)")
            let assembled = try #require(info.assembled, "\(target)")
            #expect(
                CanonicalResponse(assembled: assembled, api: endpoint.api)
                    == CanonicalResponse(content: "Booking your seat.", toolCalls: [call]), "\(target)")
            #expect(info.usage == Exchange.Usage(inputTokens: 40, outputTokens: 12), "\(target)")
        }
    }

    @Test func startIsOptionalAndSentTracksTheAnswer() throws {
        var stream = StreamRenderer(endpoint: Self.endpoints[2].1)
        let first = stream.text("Hi")
        #expect(first.first?.event == "message_start")
        #expect(stream.start().isEmpty)
        _ = stream.toolCall(ToolCall(name: "wave"))
        #expect(stream.sent == CanonicalResponse(content: "Hi", toolCalls: [ToolCall(name: "wave")]))
        let last = stream.finish()
        #expect(last.map(\.event) == ["message_delta", "message_stop"])
    }

    @Test func toolOnlyChatStreamOpensWithNullContent() throws {
        var stream = StreamRenderer(endpoint: Self.endpoints[0].1)
        let events = stream.toolCall(ToolCall(name: "f", arguments: ["x": 1])) + stream.finish()
        let role = try JSONValue(parsing: try #require(events.first).data)
        #expect(role["choices"]?[0]?["delta"]?["role"] == "assistant")
        #expect(role["choices"]?[0]?["delta"]?["content"] == .null)
        #expect(events.last?.data == "[DONE]")
    }
}
