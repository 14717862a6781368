import Testing
import UnderstudyArchive
import UnderstudyRecorder
import UnderstudyWire

struct MockScriptTests {
    let script = """
        {"response": {"content": "fallback", "tool_calls": []}}
        {"match": {"last_user": "weather in Paris?"}, "response": {"content": null, "tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]}}
        {"match": {"path": "/v1/messages", "user_turns": 2}, "response": {"content": "second turn", "tool_calls": []}}
        {"match": {"contains": "boom"}, "status": 503, "error": {"error": {"message": "overloaded"}}}
        """

    func features(_ body: String, path: String = "/v1/chat/completions") throws -> MockRequestFeatures {
        let json = try JSONValue(parsing: Array(body.utf8))
        return MockRequestFeatures(
            path: path, body: Array(body.utf8), json: json,
            endpoint: LLMEndpoint.classify(method: "POST", target: path, headers: [], body: json))
    }

    @Test func moreSpecificEntriesWinOverTheFallback() throws {
        let parsed = try MockScript(bytes: Array(script.utf8))
        let weather = try features(#"{"model":"m","messages":[{"role":"user","content":"weather in Paris?"}]}"#)
        #expect(parsed.entry(for: weather)?.response?.toolCalls.first?.name == "get_weather")
        let other = try features(#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#)
        #expect(parsed.entry(for: other)?.response?.content == "fallback")
    }

    @Test func userTurnsCountOnlyTextBearingUserMessages() throws {
        let parsed = try MockScript(bytes: Array(script.utf8))
        let body = #"{"model":"c","messages":[{"role":"user","content":"a"},{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"r"}]},{"role":"user","content":[{"type":"text","text":"b"}]}]}"#
        let request = try features(body, path: "/v1/messages")
        #expect(request.userTexts == ["a", "b"])
        #expect(parsed.entry(for: request)?.response?.content == "second turn")
    }

    @Test func scriptedErrorsKeepTheirStatusAndBody() throws {
        let responder = ScriptResponder(script: try MockScript(bytes: Array(script.utf8)))
        let reply = responder.reply(method: "POST", target: "/v1/chat/completions", headers: [:],
                                    body: Array(#"{"model":"m","messages":[{"role":"user","content":"boom"}]}"#.utf8))
        #expect(reply.status.code == 503)
        #expect(String(buffer: reply.parts[0]) == #"{"error":{"message":"overloaded"}}"#)
    }

    @Test func unmatchedRequestsGetAProviderShapedErrorThatSaysSo() throws {
        let responder = ScriptResponder(script: try MockScript(bytes: Array(#"{"match":{"model":"x"},"response":{"content":"a"}}"#.utf8)))
        let reply = responder.reply(method: "POST", target: "/v1/messages", headers: [:],
                                    body: Array(#"{"model":"claude","messages":[{"role":"user","content":"hi"}]}"#.utf8))
        #expect(reply.status.code == 400)
        let body = try JSONValue(parsing: Array(reply.parts[0].readableBytesView))
        #expect(body["type"]?.stringValue == "error")
        #expect(body["error"]?["message"]?.stringValue?.contains("no script entry matches") == true)
    }

    @Test func badLinesAreReportedWithTheirLineNumber() {
        #expect(throws: RecorderError.self) { try MockScript(bytes: Array("{\"response\":{\"content\":\"a\"}}\n{oops".utf8), source: "s.jsonl") }
        do {
            _ = try MockScript(bytes: Array("{\"response\":{\"content\":\"a\"}}\n{oops".utf8), source: "s.jsonl")
        } catch {
            #expect("\(error)".hasPrefix("s.jsonl:2:"))
        }
    }

    @Test func streamedAnswersArePreRenderedAsOnePartPerEvent() throws {
        let responder = ScriptResponder(script: try MockScript(bytes: Array(script.utf8)))
        let body = Array(#"{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}"#.utf8)
        let reply = responder.reply(method: "POST", target: "/v1/chat/completions", headers: [:], body: body)
        #expect(reply.isStream)
        #expect(reply.parts.count > 2)
        #expect(String(buffer: reply.parts.last!) == "data: [DONE]\n\n")
    }

    /// OpenAI pads every streamed delta with a random `obfuscation` member unless the request sets
    /// `stream_options.include_obfuscation: false`; the mock does as well (Chat Completions chunks,
    /// Responses `….delta` events), other providers' streams carry none, and the padding never
    /// reaches the assembled message.
    @Test func openAIStreamsArePaddedAsOpenAIPadsThemUnlessTheRequestOptsOut() throws {
        let responder = ScriptResponder(script: try MockScript(bytes: Array(script.utf8)))
        func events(_ path: String, _ body: String) -> [(type: String?, data: String)] {
            let reply = responder.reply(method: "POST", target: path, headers: [:], body: Array(body.utf8))
            return reply.parts.map { part in
                let lines = String(buffer: part).split(separator: "\n")
                let type = lines.first { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
                let data = lines.first { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) } ?? ""
                return (type, data)
            }
        }
        func padding(_ data: String) throws -> String? {
            guard case .object(let members)? = try? JSONValue(parsing: Array(data.utf8)) else { return nil }
            guard let last = members.last, last.key == "obfuscation" else {
                #expect(!members.contains { $0.key == "obfuscation" }, "not the last member: \(data)")
                return nil
            }
            return try #require(last.value.stringValue)
        }
        let chat = #"{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]"#
        for (options, padded) in [
            ("", true), (#","stream_options":{"include_usage":true}"#, true),
            (#","stream_options":{"include_obfuscation":false}"#, false),
        ] {
            let chunks = events("/v1/chat/completions", chat + options + "}").map(\.data).filter { $0 != "[DONE]" }
            let paddings = try chunks.map(padding)
            #expect(paddings.allSatisfy { ($0 != nil) == padded }, "\(options): \(chunks)")
            if padded {
                let alphanumeric = { (byte: UInt8) in
                    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                }
                #expect(paddings.allSatisfy { !$0!.isEmpty && $0!.utf8.allSatisfy(alphanumeric) })
                // Random per chunk: a stream of several chunks does not repeat one value.
                #expect(Set(paddings.map { $0! }).count > 1)
            }
            var assembler = StreamAssembler(api: .chatCompletions)
            for data in chunks { assembler.consume(event: nil, data: data) }
            let assembled = try #require(assembler.assembled)
            #expect(assembled["choices"]?[0]?["message"]?["content"] == "fallback")
            #expect(!assembled.serialized().contains("obfuscation"))
        }
        let responses = #"{"model":"gpt-4o","stream":true,"input":"hi""#
        for (options, padded) in [("", true), (#","stream_options":{"include_obfuscation":false}"#, false)] {
            let stream = events("/v1/responses", responses + options + "}")
            let deltas = stream.filter { $0.type?.hasSuffix(".delta") == true }
            #expect(!deltas.isEmpty)
            for event in stream {
                let isDelta = event.type?.hasSuffix(".delta") == true
                let hasPadding = try padding(event.data) != nil
                #expect(hasPadding == (padded && isDelta), "\(event)")
            }
            var assembler = StreamAssembler(api: .responses)
            for event in stream { assembler.consume(event: event.type, data: event.data) }
            #expect(!(try #require(assembler.assembled).serialized().contains("obfuscation")))
        }
        let anthropic = #"{"model":"claude","max_tokens":9,"stream":true,"messages":[{"role":"user","content":"hi"}]}"#
        #expect(events("/v1/messages", anthropic).allSatisfy { !$0.data.contains("obfuscation") })
    }
}

import NIOCore
