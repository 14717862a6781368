import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Testing
import UnderstudyArchive
import UnderstudyRecorder
import UnderstudyWire

/// Collects exchanges in memory, or refuses them all.
final class MemorySink: ExchangeSink {
    let accept: Bool
    let exchanges = NIOLockedValueBox<[Exchange]>([])
    init(accept: Bool = true) { self.accept = accept }
    func append(_ exchange: Exchange) -> Bool {
        guard accept else { return false }
        exchanges.withLockedValue { $0.append(exchange) }
        return true
    }
}

struct ExchangeRecorderTests {
    let redactor = HeaderRedactor(key: RedactionKey(bytes: Array(repeating: 1, count: 32)))

    func captured(target: String = "/v1/chat/completions", body: String, limit: Int = 1 << 20) -> CapturedExchange {
        var c = CapturedExchange(
            capture: .init(mode: .reverse), method: "POST", target: target,
            headers: [HTTPHeaderField("Authorization", "Bearer sk-secret")], bodyLimit: limit)
        c.endpoint = LLMEndpoint.classify(method: "POST", target: target, headers: [])
        c.appendRequestBody(ByteBuffer(string: body))
        return c
    }

    @Test func streamedEventsGetTheArrivalTimeOfTheChunkThatCompletedThem() {
        var c = captured(body: #"{"model":"gpt-4o","stream":true,"messages":[]}"#)
        let start = c.startUptime
        c.responseHead(status: 200, headers: [HTTPHeaderField("content-type", "text/event-stream")], at: start + .milliseconds(5))
        let chunk1 = #"data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"#
        let chunk2 = #"lo"},"finish_reason":null}]}"# + "\n\n"
        let chunk3 = #"data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\ndata: [DONE]\n\n"
        c.appendResponseBody(ByteBuffer(string: chunk1), at: start + .milliseconds(10))
        c.appendResponseBody(ByteBuffer(string: chunk2), at: start + .milliseconds(20))
        c.appendResponseBody(ByteBuffer(string: chunk3), at: start + .milliseconds(30))
        c.finish(.ok, at: start + .milliseconds(31))
        let exchange = ExchangeRecorder.makeExchange(from: c, redactor: redactor)
        let events = exchange.response?.sse ?? []
        #expect(events.map(\.tMs) == [20, 30, 30])
        #expect(events.last?.data == "[DONE]")
        #expect(exchange.response?.body.bytes == Array((chunk1 + chunk2 + chunk3).utf8))
        #expect(exchange.timing.firstByteMs == 5)
        #expect(exchange.llm?.stream == true)
        #expect(exchange.llm?.assembled?["choices"]?[0]?["message"]?["content"]?.stringValue == "Hello")
        #expect(exchange.request.headers.first(named: "authorization")?.hasPrefix("redacted:") == true)
    }

    @Test func piecesOfOneReadShareTheirArrivalTime() {
        var c = captured(body: #"{"model":"gpt-4o","stream":true,"messages":[]}"#)
        let start = c.startUptime
        c.responseHead(status: 200, headers: [HTTPHeaderField("content-type", "text/event-stream")], at: start)
        let event = { (text: String) in
            #"data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"\#(text)"},"finish_reason":null}]}"# + "\n\n"
        }
        // Two reads: the first brought three chunks (the second event split across two of them).
        let first = event("a") + event("b")
        let split = first.index(first.startIndex, offsetBy: first.count - 20)
        c.appendResponseBody(ByteBuffer(string: String(first[..<split])), at: start + .milliseconds(10))
        c.appendResponseBody(ByteBuffer(string: String(first[split...])), at: start + .milliseconds(10))
        c.appendResponseBody(ByteBuffer(string: event("c")), at: start + .milliseconds(10))
        c.appendResponseBody(ByteBuffer(string: event("d") + "data: [DONE]\n\n"), at: start + .milliseconds(25))
        c.finish(.ok, at: start + .milliseconds(26))
        #expect(c.chunkTimes.map(\.tMs) == [10, 25], "one entry per instant")
        let exchange = ExchangeRecorder.makeExchange(from: c, redactor: redactor)
        #expect(exchange.response?.sse?.map(\.tMs) == [10, 10, 10, 25, 25])
        #expect(exchange.llm?.assembled?["choices"]?[0]?["message"]?["content"]?.stringValue == "abcd")
    }

    /// A stream the client cut (or the body limit truncated) keeps its last, unterminated event,
    /// at the time of the chunk that brought it; a stream that ended normally does not invent one.
    @Test(arguments: [("aborted", ["a", "cut"]), ("ok", ["a"]), ("truncated", ["a", "cut"])])
    func aCutStreamKeepsItsLastEvent(ending: String, expected: [String]) {
        let body = "data: a\n\n" + "data: cut"
        var c = captured(body: #"{"model":"gpt-4o","stream":true,"messages":[]}"#)
        let start = c.startUptime
        c.responseHead(status: 200, headers: [HTTPHeaderField("content-type", "text/event-stream")], at: start)
        c.appendResponseBody(ByteBuffer(string: "data: a\n\n"), at: start + .milliseconds(10))
        if ending == "truncated" {
            // A body limit that ends inside the second read: the kept bytes end mid-event.
            var limited = CapturedExchange(
                capture: .init(mode: .reverse), method: "POST", target: "/v1/chat/completions",
                headers: [], bodyLimit: body.utf8.count)
            limited.endpoint = c.endpoint
            let start = limited.startUptime
            limited.responseHead(status: 200, headers: [HTTPHeaderField("content-type", "text/event-stream")], at: start)
            limited.appendResponseBody(ByteBuffer(string: "data: a\n\n"), at: start + .milliseconds(10))
            limited.appendResponseBody(ByteBuffer(string: "data: cut" + String(repeating: "x", count: 100)), at: start + .milliseconds(20))
            limited.finish(.ok, at: start + .milliseconds(21))
            c = limited
        } else {
            c.appendResponseBody(ByteBuffer(string: "data: cut"), at: start + .milliseconds(20))
            c.finish(ending == "ok" ? .ok : .clientAborted, at: start + .milliseconds(21))
        }
        let events = ExchangeRecorder.makeExchange(from: c, redactor: redactor).response?.sse ?? []
        #expect(events.map(\.data) == expected)
        #expect(events.map(\.tMs) == Array([10, 20].prefix(expected.count)))
    }

    @Test func onlyAStreamedAnswerNotesItsChunkTimes() {
        // The times are read only by the recorder's SSE parser; a JSON answer keeps none (one
        // array append per read saved on the event loop), a stream keeps one per read.
        let start = NIODeadline.now()
        var json = captured(body: #"{"model":"gpt-4o","messages":[]}"#)
        json.responseHead(status: 200, headers: [HTTPHeaderField("content-type", "application/json")], at: start)
        json.appendResponseBody(ByteBuffer(string: #"{"id":"c","#), at: start + .milliseconds(5))
        json.appendResponseBody(ByteBuffer(string: #""choices":[]}"#), at: start + .milliseconds(9))
        #expect(json.chunkTimes.isEmpty)
        var sse = captured(body: #"{"model":"gpt-4o","stream":true,"messages":[]}"#)
        sse.responseHead(status: 200, headers: [HTTPHeaderField("content-type", "text/event-stream")], at: start)
        sse.appendResponseBody(ByteBuffer(string: "data: {}\n\n"), at: start + .milliseconds(5))
        sse.appendResponseBody(ByteBuffer(string: "data: [DONE]\n\n"), at: start + .milliseconds(9))
        #expect(sse.chunkTimes.count == 2)
    }

    @Test func bodiesOverTheLimitAreRecordedTruncatedWithTheFlag() {
        var c = captured(body: String(repeating: "x", count: 100), limit: 10)
        c.responseHead(status: 200, headers: [])
        c.appendResponseBody(ByteBuffer(string: String(repeating: "y", count: 50)))
        c.finish(.ok)
        let exchange = ExchangeRecorder.makeExchange(from: c, redactor: redactor)
        #expect(exchange.request.body.bytes.count == 10)
        #expect(exchange.request.body.truncated)
        #expect(exchange.response?.body.bytes.count == 10)
        #expect(exchange.response?.body.truncated == true)
    }

    @Test func nonJSONBodyOnAJSONRouteIsRecordedRawWithAFlag() {
        var c = captured(body: "this is not json")
        c.responseHead(status: 400, headers: [])
        c.finish(.upstreamError, error: nil)
        let exchange = ExchangeRecorder.makeExchange(from: c, redactor: redactor)
        #expect(exchange.request.body.bytes == Array("this is not json".utf8))
        #expect(exchange.error?.contains("not JSON") == true)
    }

    @Test func refusedRecordsAreCountedAsDroppedNotLost() {
        let sink = MemorySink(accept: false)
        let recorder = ExchangeRecorder(sink: sink, redactor: redactor)
        var c = captured(body: "{}")
        c.finish(.ok)
        recorder.submit(c)
        recorder.submit(c)
        let counters = recorder.close()
        #expect(counters.submitted == 2)
        #expect(counters.dropped == 2)
        #expect(counters.written == 0)
    }

    @Test func closeCutsABatchGatherShort() async throws {
        // A gather long enough that waiting it out would show: close() must end it at once and
        // still hand the gathered exchange to the sink.
        let sink = MemorySink()
        let recorder = ExchangeRecorder(sink: sink, redactor: redactor, batchDelay: .seconds(5))
        var c = captured(body: "{}")
        c.finish(.ok)
        // An exchange the worker finds at its first look (a loaded machine may start it late) is
        // written at once, without a gather; the worker then waits for work, and the next one
        // wakes it into a gather. Submit until one is held, then close while the gather runs.
        var submitted = 0
        for _ in 0..<20 {
            try await Task.sleep(for: .milliseconds(50))
            recorder.submit(c)
            submitted += 1
            try await Task.sleep(for: .milliseconds(50))
            if sink.exchanges.withLockedValue({ $0.count }) < submitted { break }
        }
        #expect(sink.exchanges.withLockedValue { $0.count } < submitted, "no exchange was ever held in a gather")
        let closed = ContinuousClock().measure { recorder.close() }
        #expect(closed < .seconds(1), "close() took \(closed)")
        #expect(sink.exchanges.withLockedValue { $0.count } == submitted)
    }

    @Test func everySubmittedExchangeReachesTheSinkByClose() {
        let sink = MemorySink()
        let recorder = ExchangeRecorder(sink: sink, redactor: redactor)
        for i in 0..<500 {
            var c = captured(body: #"{"n":\#(i)}"#)
            c.finish(.ok)
            recorder.submit(c)
        }
        let counters = recorder.close()
        #expect(counters.written == 500)
        #expect(sink.exchanges.withLockedValue { $0.count } == 500)
    }
}
