import NIOCore
import Testing
import UnderstudyArchive
import UnderstudyRecorder
import UnderstudyWire

/// Keys in SSE events wherever a stream can put them: the recorder scans the events only when
/// the scan of the whole body finds a key, so a key at the very start of an event's data (no
/// space after `data:`), before a CRLF, in a multi-line event or spelled with `\u` escapes must
/// still be found by the body scan and replaced in the recorded events.
struct StreamEventKeyScrubbingTests {
    let redactor = HeaderRedactor(key: RedactionKey(bytes: Array(repeating: 7, count: 32)))

    func chatStream(_ stream: String) -> Exchange {
        let target = "/v1/chat/completions"
        var c = CapturedExchange(capture: .init(mode: .reverse), method: "POST", target: target, headers: [], bodyLimit: 1 << 20)
        c.endpoint = LLMEndpoint.classify(method: "POST", target: target, headers: [])
        c.appendRequestBody(ByteBuffer(string: #"{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}"#))
        c.responseHead(status: 200, headers: [HTTPHeaderField("Content-Type", "text/event-stream")])
        c.appendResponseBody(ByteBuffer(string: stream))
        c.finish(.ok)
        return ExchangeRecorder.makeExchange(from: c, redactor: redactor)
    }

    static func chunk(_ content: String) -> String {
        #"{"id":"c","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"\#(content)"}}]}"#
    }

    @Test(arguments: [
        ("data:sk-proj-AAAAbbbbCCCCddddEEEEffff0001\r\n\r\n", "sk-proj-AAAAbbbbCCCCddddEEEEffff0001"),
        ("data: \(chunk("key sk-proj-AAAAbbbbCCCCddddEEEEffff0002"))\r\n\r\n", "sk-proj-AAAAbbbbCCCCddddEEEEffff0002"),
        ("data: {\"a\":1,\ndata:\"k\":\"ghp_abcdefghijklmnopqrstuvwxyz0123456789\"}\n\n", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
        ("data: \(chunk(#"sk-\u0070roj-AAAAbbbbCCCCddddEEEEffff0003"#))\n\n", "roj-AAAAbbbbCCCCddddEEEEffff0003"),
    ])
    func keysInEventsAreReplacedInTheRecordedEvents(event: String, key: String) throws {
        let exchange = chatStream("data: \(Self.chunk("hello"))\n\n" + event + "data: [DONE]\n\n")
        let events = try #require(exchange.response?.sse)
        #expect(events.count == 3)
        #expect(!events.contains { $0.data.contains(key) }, "\(key) reached a recorded event")
        #expect(events[1].data.contains("redacted:"), "\(events[1].data)")
        #expect(!String(decoding: exchange.jsonLine(), as: UTF8.self).contains(key))
        #expect(exchange.redactedBodySecrets >= 2)  // once in the body, once in its event
    }

    @Test func aStreamWithoutKeysKeepsItsEventsAsSent() throws {
        let stream = "data: \(Self.chunk("sk-short task-list"))\n\ndata: [DONE]\n\n"
        let exchange = chatStream(stream)
        #expect(exchange.response?.sse?.map(\.data) == [Self.chunk("sk-short task-list"), "[DONE]"])
        #expect(exchange.redactedBodySecrets == 0)
        #expect(exchange.error == nil)
    }
}
