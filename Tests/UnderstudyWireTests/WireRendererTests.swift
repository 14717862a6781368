import Testing
import UnderstudyArchive
import UnderstudyWire

struct WireRendererTests {
    let toolAnswer = CanonicalResponse(toolCalls: [
        ToolCall(name: "get_weather", arguments: ["city": "Paris"]),
        ToolCall(name: "get_time", arguments: ["tz": "CET"]),
    ])

    private func json(_ event: WireEvent) -> JSONValue { (try? JSONValue(parsing: event.data)) ?? .null }

    @Test func chatCompletionToolCallsCarryArgumentsAsAJSONString() throws {
        let rendered = WireRenderer.render(
            toolAnswer, for: LLMEndpoint(provider: .openai, api: .chatCompletions),
            options: RenderOptions(model: "gpt-4o", toolCallIDs: ["call_A", "call_B"]))
        let body = try #require(rendered.body)
        #expect(rendered.contentType == "application/json")
        #expect(body["object"] == "chat.completion")
        let choice = try #require(body["choices"]?[0])
        #expect(choice["finish_reason"] == "tool_calls")
        #expect(choice["message"]?["content"] == .null)
        let call = try #require(choice["message"]?["tool_calls"]?[1])
        #expect(call["id"] == "call_B")
        #expect(call["type"] == "function")
        #expect(call["function"]?["arguments"] == .string(#"{"tz":"CET"}"#))
    }

    @Test func chatStreamChunksEndWithDoneAndUsageOnlyWhenAsked() {
        let endpoint = LLMEndpoint(provider: .openai, api: .chatCompletions, stream: true)
        let plain = WireRenderer.render(CanonicalResponse(content: "one two three"), for: endpoint)
        #expect(plain.events.last == WireEvent(data: "[DONE]"))
        #expect(plain.events.allSatisfy { $0.event == nil })
        #expect(!plain.events.dropLast().contains { json($0)["usage"] != nil })
        let text = plain.events.dropLast().compactMap { json($0)["choices"]?[0]?["delta"]?["content"]?.stringValue }
            .joined()
        #expect(text == "one two three")

        let withUsage = WireRenderer.render(
            CanonicalResponse(content: "hi"), for: endpoint,
            options: RenderOptions(usage: Exchange.Usage(inputTokens: 10, outputTokens: 2), includeUsage: true))
        let usageChunk = json(withUsage.events[withUsage.events.count - 2])
        #expect(usageChunk["choices"] == .array([]))
        #expect(usageChunk["usage"]?["total_tokens"]?.intValue == 12)
    }

    @Test func chatStreamToolCallDeltasCarryIndexIdThenFragments() {
        let rendered = WireRenderer.render(
            toolAnswer, for: LLMEndpoint(provider: .openai, api: .chatCompletions, stream: true),
            options: RenderOptions(argumentFragmentCharacters: 2))
        var arguments: [Int: String] = [:]
        var ids: [Int: String] = [:]
        for event in rendered.events.dropLast() {
            for delta in json(event)["choices"]?[0]?["delta"]?["tool_calls"]?.arrayValue ?? [] {
                let index = delta["index"]?.intValue ?? -1
                if let id = delta["id"]?.stringValue { ids[index] = id }
                arguments[index, default: ""] += delta["function"]?["arguments"]?.stringValue ?? ""
            }
        }
        #expect(arguments == [0: #"{"city":"Paris"}"#, 1: #"{"tz":"CET"}"#])
        #expect(ids.count == 2 && ids.values.allSatisfy { $0.hasPrefix("call_") })
        #expect(json(rendered.events[rendered.events.count - 2])["choices"]?[0]?["finish_reason"] == "tool_calls")
    }

    @Test func anthropicStreamNamesEveryEventAndSplitsInputJSON() throws {
        let rendered = WireRenderer.render(
            toolAnswer, for: LLMEndpoint(provider: .anthropic, api: .messages, stream: true),
            options: RenderOptions(argumentFragmentCharacters: 3))
        #expect(rendered.events.allSatisfy { $0.event == json($0)["type"]?.stringValue })
        #expect(rendered.events.first?.event == "message_start")
        #expect(rendered.events.last?.event == "message_stop")
        let partial = rendered.events.filter { json($0)["index"]?.intValue == 1 }
            .compactMap { json($0)["delta"]?["partial_json"]?.stringValue }
        #expect(partial.count > 3)
        #expect(try JSONValue(parsing: partial.joined()) == ["tz": "CET"])
        let delta = try #require(rendered.events.first { $0.event == "message_delta" })
        #expect(json(delta)["delta"]?["stop_reason"] == "tool_use")
    }

    @Test func responsesStreamSequenceNumbersAndFinalResponse() throws {
        let rendered = WireRenderer.render(
            CanonicalResponse(content: "Sure.", toolCalls: [toolAnswer.toolCalls[0]]),
            for: LLMEndpoint(provider: .openai, api: .responses, stream: true))
        #expect(rendered.events.enumerated().allSatisfy { json($1)["sequence_number"]?.intValue == $0 })
        #expect(rendered.events.first?.event == "response.created")
        let completed = try #require(rendered.events.last)
        #expect(completed.event == "response.completed")
        let output = try #require(json(completed)["response"]?["output"]?.arrayValue)
        #expect(output.map { $0["type"] } == ["message", "function_call"])
        #expect(output[1]["arguments"] == .string(#"{"city":"Paris"}"#))
    }

    @Test func geminiWithoutAltSSEStreamsAJSONArray() {
        let endpoint = LLMEndpoint(provider: .gemini, api: .generateContent, stream: true, sse: false)
        let rendered = WireRenderer.render(CanonicalResponse(content: "a b c d e f g h i j k l m n o p"), for: endpoint)
        #expect(rendered.contentType == "application/json")
        let chunks = rendered.body?.arrayValue ?? []
        #expect(chunks.count > 1)
        #expect(chunks.last?["candidates"]?[0]?["finishReason"] == "STOP")
        #expect(chunks.dropLast().allSatisfy { $0["candidates"]?[0]?["finishReason"] == nil })
    }

    @Test func renderingForARequestFollowsItsStreamModeModelAndUsageOption() throws {
        let request = try JSONValue(
            parsing: #"{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[]}"#)
        let rendered = WireRenderer.render(
            CanonicalResponse(content: "ok"), answering: request,
            at: LLMEndpoint(provider: .openai, api: .chatCompletions))
        #expect(rendered.isStream)
        #expect(rendered.events.contains { json($0)["usage"]?["prompt_tokens"] != nil })
        #expect(json(rendered.events[0])["model"] == "gpt-4o-mini")
        let usage = rendered.events.compactMap { json($0)["usage"]?["prompt_tokens"]?.intValue }.first
        #expect(usage == 0, "an empty conversation has no input tokens to estimate")
        let longer = try JSONValue(
            parsing:
                #"{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"system","content":"You are a careful assistant for the travel desk."},{"role":"user","content":"Book me a flight to Lisbon next Tuesday, window seat please."}]}"#
        )
        let estimated = WireRenderer.render(
            CanonicalResponse(content: "ok"), answering: longer,
            at: LLMEndpoint(provider: .openai, api: .chatCompletions)
        ).events.compactMap { json($0)["usage"]?["prompt_tokens"]?.intValue }.first
        #expect((15...40).contains(estimated ?? 0), "about 4 characters a token: \(estimated ?? 0)")
        let text = String(decoding: rendered.bytes, as: UTF8.self)
        #expect(text.hasSuffix("data: [DONE]\n\n"))
    }

    @Test func providerShapedErrors() {
        let openai = WireRenderer.error(status: 429, message: "slow down", provider: .openai)
        #expect(openai.status == 429)
        #expect(openai.body?["error"]?["code"] == "rate_limit_exceeded")
        #expect(openai.body?["error"]?["message"] == "slow down")
        let anthropic = WireRenderer.errorBody(status: 529, message: "busy", provider: .anthropic)
        #expect(anthropic["type"] == "error")
        #expect(anthropic["error"]?["type"] == "overloaded_error")
        let gemini = WireRenderer.errorBody(status: 400, message: "bad", provider: .gemini)
        #expect(gemini["error"]?["status"] == "INVALID_ARGUMENT")
        #expect(gemini["error"]?["code"]?.intValue == 400)
        #expect(
            WireRenderer.render(CanonicalResponse(), for: LLMEndpoint(provider: .openai, api: .embeddings)).status
                == 400)
    }

    @Test func canonicalResponseReadsOpenAIStyleStringArguments() throws {
        let parsed = try #require(
            CanonicalResponse(
                json: try JSONValue(
                    parsing:
                        #"{"content":null,"tool_calls":[{"name":"f","arguments":"{\"a\":1.50}"},{"name":"g","arguments":""},{"bad":1}]}"#
                )))
        #expect(parsed.toolCalls == [ToolCall(name: "f", arguments: ["a": .number("1.50")]), ToolCall(name: "g")])
        #expect(
            parsed.json.serialized()
                == #"{"content":null,"tool_calls":[{"name":"f","arguments":{"a":1.50}},{"name":"g","arguments":{}}]}"#)
    }
}
