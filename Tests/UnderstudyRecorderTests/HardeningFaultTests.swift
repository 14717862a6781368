import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// Upstream faults played by `mock-upstream` (per request, x-understudy-mock-fault) through the
/// real `record` binary: clients must see what the upstream did (status, retry-after and body
/// passed through, a cut stream stays cut, malformed events arrive as sent), nothing may hang,
/// and every exchange is archived with an outcome that says what happened.
@Suite(.serialized)
struct HardeningFaultTests {
    static let answer = "The mock upstream answers with enough words to make a stream of many events for fault tests."
    static let script = #"{"response": {"content": "\#(answer)", "tool_calls": []}}"#
    static let chat = #"{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}"#

    /// curl through the recorder with one injected fault; returns (exit status, head, body, seconds).
    static func request(
        _ harness: RecorderHarness, fault: String?, path: String = "/v1/chat/completions", body: String = chat,
        maxSeconds: Double = 10
    ) throws -> (status: Int32, head: String, body: String, seconds: Double) {
        var arguments = ["-i", "-N", "-m", String(maxSeconds), "-H", "content-type: application/json",
                         "-H", "authorization: Bearer sk-test-fault-0123456789", "--data-binary", body]
        if let fault { arguments += ["-H", "x-understudy-mock-fault: \(fault)"] }
        let started = Date()
        let result = try harness.curl(arguments + [harness.base + path])
        let parts = result.stdout.components(separatedBy: "\r\n\r\n")
        return (result.status, parts[0], parts.dropFirst().joined(separator: "\r\n\r\n"), Date().timeIntervalSince(started))
    }

    static func header(_ name: String, in head: String) -> String? {
        for line in head.split(separator: "\r\n") {
            let pieces = line.split(separator: ":", maxSplits: 1)
            if pieces.count == 2, pieces[0].lowercased() == name { return pieces[1].trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    @Test func errorStatusesPassThroughWithRetryAfterAndAreRecorded() throws {
        let harness = try RecorderHarness(script: Self.script, mockArguments: ["--retry-after", "7"])
        let anthropic = #"{"model":"claude-3-5-haiku-latest","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}"#
        let cases: [(fault: String, path: String, body: String, status: Int, retryAfter: String?)] = [
            ("status:429", "/v1/chat/completions", Self.chat, 429, "7"),
            ("status:500", "/v1/chat/completions", Self.chat, 500, nil),
            ("status:529", "/v1/messages", anthropic, 529, "7"),
        ]
        var seen: [String: String] = [:]
        for item in cases {
            let got = try Self.request(harness, fault: item.fault, path: item.path, body: item.body)
            #expect(got.status == 0, "\(item.fault): curl exit \(got.status)")
            #expect(got.head.hasPrefix("HTTP/1.1 \(item.status)"), "\(item.fault): \(got.head)")
            #expect(Self.header("retry-after", in: got.head) == item.retryAfter, "\(item.fault): retry-after")
            #expect(got.body.contains("injected fault status \(item.status)"), "\(item.fault): body \(got.body)")
            seen[item.fault] = got.body
        }
        let exchanges = try harness.stopAndRead()
        #expect(exchanges.count == cases.count, "\(harness.recorderLogTail)")
        for item in cases {
            let record = exchanges.first { $0.request.headers.first(named: "x-understudy-mock-fault") == item.fault }
            #expect(record?.response?.status == item.status, "\(item.fault): recorded status")
            #expect(record?.outcome == .upstreamError, "\(item.fault): recorded outcome")
            #expect(record.map { String(decoding: $0.response?.body.bytes ?? [], as: UTF8.self) } == seen[item.fault],
                    "\(item.fault): recorded body differs from what the client got")
            #expect(record?.response?.headers.first(named: "retry-after") == item.retryAfter)
        }
    }

    @Test func cutAndStalledStreamsReachTheClientAsCutAndNeverHang() throws {
        let harness = try RecorderHarness(script: Self.script)
        let whole = try Self.request(harness, fault: nil)
        #expect(whole.status == 0 && whole.body.contains("[DONE]"))

        // A reset mid-stream: the client gets the first half, then an unfinished chunked body.
        let reset = try Self.request(harness, fault: "reset-mid-stream")
        #expect(reset.status != 0 && reset.status != 28, "curl exit \(reset.status) (18/56: cut short; 28: hung)")
        #expect(reset.body.contains("data: ") && !reset.body.contains("[DONE]"))
        #expect(reset.seconds < 5)

        // A stall: the client's own timeout ends it; the proxy must not hold it longer.
        let stall = try Self.request(harness, fault: "stall", maxSeconds: 1.5)
        #expect(stall.status == 28, "curl exit \(stall.status): expected its timeout")
        #expect(stall.body.contains("data: ") && !stall.body.contains("[DONE]"))
        #expect(stall.seconds < 5)

        // Non-streamed answers cut in the middle: content-length promises more than arrives.
        let plain = #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"#
        let cutPlain = try Self.request(harness, fault: "reset-mid-stream", body: plain)
        #expect(cutPlain.status != 0 && cutPlain.status != 28, "curl exit \(cutPlain.status)")

        // The stalled stream's client gave up; stopping before the recorder saw it would record a drain.
        #expect(try harness.waitForMetric("understudy_client_aborts_total", atLeast: 1) >= 1)
        let exchanges = try harness.stopAndRead()
        #expect(exchanges.count == 4, "\(harness.recorderLogTail)")
        func record(_ fault: String?, stream: Bool = true) -> Exchange? {
            exchanges.first {
                $0.request.headers.first(named: "x-understudy-mock-fault") == fault && ($0.llm?.stream ?? false) == stream
            }
        }
        #expect(record(nil)?.outcome == .ok)
        let resetRecord = record("reset-mid-stream")
        #expect(resetRecord?.outcome == .upstreamError)
        #expect(resetRecord?.error?.contains("mid-response") == true, "\(resetRecord?.error ?? "no error")")
        #expect((resetRecord?.response?.sse?.count ?? 0) > 0, "the events before the reset are kept")
        #expect(record("stall")?.outcome == .clientAborted)
        #expect(record("reset-mid-stream", stream: false)?.outcome == .upstreamError)
    }

    @Test func upstreamReadTimeoutEndsAStallForTheClient() throws {
        let harness = try RecorderHarness(script: Self.script, config: "[record]\nupstream_read_timeout_s = 1\n")
        let stall = try Self.request(harness, fault: "stall", maxSeconds: 15)
        #expect(stall.status != 0 && stall.status != 28, "curl exit \(stall.status): the proxy should have cut it")
        #expect(stall.seconds < 6, "took \(stall.seconds) s with a 1 s upstream read timeout")
        let exchanges = try harness.stopAndRead()
        #expect(exchanges.first?.outcome == .upstreamError)
    }

    @Test func malformedAndTrickledStreamsPassThroughByteExact() throws {
        let harness = try RecorderHarness(script: Self.script, mockArguments: ["--trickle-ms", "1"])
        let malformed = try Self.request(harness, fault: "malformed-sse")
        let trickle = try Self.request(harness, fault: "trickle")
        let clean = try Self.request(harness, fault: nil)
        #expect(malformed.status == 0 && trickle.status == 0)
        #expect(malformed.body.contains("this line is not SSE"))
        #expect(trickle.body.contains("[DONE]"))
        let exchanges = try harness.stopAndRead()
        func record(_ fault: String?) -> Exchange? {
            exchanges.first { $0.request.headers.first(named: "x-understudy-mock-fault") == fault }
        }
        // curl dechunks; the archive keeps the dechunked body too.
        let broken = record("malformed-sse")
        #expect(broken.map { String(decoding: $0.response?.body.bytes ?? [], as: UTF8.self) } == malformed.body)
        #expect(broken?.outcome == .ok)
        #expect(broken?.error?.contains("not JSON") == true, "malformed stream not flagged: \(broken?.error ?? "nil")")
        let text = { (e: Exchange?) in e?.llm?.assembled?["choices"]?[0]?["message"]?["content"]?.stringValue }
        #expect(text(broken) == Self.answer, "the good events still assemble")
        #expect(text(record("trickle")) == Self.answer)
        #expect(record("trickle")?.error == nil && record(nil)?.error == nil)
        #expect(record("trickle").map { String(decoding: $0.response?.body.bytes ?? [], as: UTF8.self) } == trickle.body)
        #expect((record("trickle")?.response?.sse?.count ?? 0) == (record(nil)?.response?.sse?.count ?? -1))
        _ = clean
    }
}
