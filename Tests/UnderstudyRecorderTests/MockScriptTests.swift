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
}

import NIOCore
