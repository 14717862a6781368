import Foundation
import Testing
import UnderstudyArchive
import UnderstudyRecorder
import UnderstudyTestSupport

/// Crafted captures, written by `PcapTestCapture` and imported through libpcap: the record a
/// user gets for keep-alive, loss, reordering, retransmission, IPv6, chunked + gzip and SSE.
struct PcapImporterTests {
    static let redactor = HeaderRedactor(key: RedactionKey(bytes: Array(repeating: 7, count: 32)))

    func importCapture(
        _ capture: PcapTestCapture, pcapng: Bool = false, configuration: PcapImportConfiguration = .init()
    ) throws -> ([Exchange], PcapImportSummary) {
        let directory = try TestEnvironment.temporaryDirectory("pcap-import")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent(pcapng ? "capture.pcapng" : "capture.pcap")
        try capture.write(to: file, pcapng: pcapng)
        let box = ExchangeBox()
        let summary = try PcapImporter(configuration: configuration, redactor: Self.redactor)
            .importFile(at: file.path) { box.items.append($0) }
        return (box.items, summary)
    }

    final class ExchangeBox: @unchecked Sendable { var items: [Exchange] = [] }

    static let chatRequest =
        #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#
    static let chatResponse =
        #"{"id":"c1","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}"#

    static func post(_ body: String, path: String = "/v1/chat/completions", extra: String = "") -> String {
        "POST \(path) HTTP/1.1\r\nHost: llm.internal:8080\r\nAuthorization: Bearer sk-secret-123\r\n\(extra)"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    static func ok(_ body: String, type: String = "application/json") -> String {
        "HTTP/1.1 200 OK\r\nContent-Type: \(type)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    @Test func recordsSeveralExchangesOnAKeepAliveConnection() throws {
        var flow = PcapTestFlow()
        var segments = flow.handshake()
        for i in 0..<3 {
            segments += flow.send(Self.post(Self.chatRequest.replacingOccurrences(of: "hi", with: "hi \(i)")), fromClient: true)
            segments += flow.send(Self.ok(Self.chatResponse), fromClient: false, segmentSize: 100)
        }
        segments += flow.close()
        let (exchanges, summary) = try importCapture(PcapTestCapture(segments: segments))
        #expect(exchanges.count == 3)
        #expect(summary.exchanges == 3 && summary.incompleteExchanges == 0 && summary.flows == 1)
        for (i, exchange) in exchanges.enumerated() {
            #expect(exchange.capture.mode == .pcap)
            #expect(exchange.capture.client == "127.0.0.1:40000")
            #expect(exchange.capture.upstream == "http://llm.internal:8080")
            #expect(exchange.request.body.json?["messages"]?[0]?["content"]?.stringValue == "hi \(i)")
            #expect(exchange.response?.status == 200)
            #expect(exchange.response?.body.json?["id"]?.stringValue == "c1")
            #expect(exchange.outcome == .ok && exchange.error == nil)
            #expect(exchange.llm?.provider == "openai" && exchange.llm?.model == "gpt-4o")
            // Packet times: the response's last byte came after its first.
            #expect((exchange.timing.firstByteMs ?? -1) > 0)
            #expect((exchange.timing.endMs ?? -1) > (exchange.timing.firstByteMs ?? 0))
        }
        #expect(exchanges[1].timing.startMicros > exchanges[0].timing.startMicros)
    }

    @Test func neverWritesTheCredential() throws {
        var flow = PcapTestFlow()
        let segments = flow.handshake() + flow.send(Self.post(Self.chatRequest), fromClient: true)
            + flow.send(Self.ok(Self.chatResponse), fromClient: false) + flow.close()
        let (exchanges, _) = try importCapture(PcapTestCapture(segments: segments))
        let line = String(decoding: try #require(exchanges.first).jsonLine(), as: UTF8.self)
        #expect(!line.contains("sk-secret-123"))
        #expect(exchanges.first?.request.headers.first(named: "authorization")?.hasPrefix("redacted:") == true)
    }

    @Test func reassemblesReorderedAndRetransmittedSegments() throws {
        var flow = PcapTestFlow()
        let handshake = flow.handshake()
        var request = flow.send(Self.post(Self.chatRequest), fromClient: true, segmentSize: 20)
        var response = flow.send(Self.ok(Self.chatResponse), fromClient: false, segmentSize: 30)
        request.swapAt(1, 4)
        request.insert(request[2], at: 6)  // retransmission
        response.reverse()  // worst case: everything arrives backwards
        response.append(response[3])
        let (exchanges, summary) = try importCapture(
            PcapTestCapture(segments: handshake + request + response + flow.close()))
        #expect(exchanges.count == 1)
        #expect(exchanges.first?.request.body.json?["model"]?.stringValue == "gpt-4o")
        #expect(exchanges.first?.response?.body.bytes == Array(Self.chatResponse.utf8))
        #expect(exchanges.first?.error == nil)
        #expect(summary.duplicateBytes > 0)
    }

    @Test func marksAnExchangeWithLostBytesIncompleteAndKeepsTheNextOne() throws {
        var flow = PcapTestFlow()
        var segments = flow.handshake()
        segments += flow.send(Self.post(Self.chatRequest), fromClient: true)
        var lossy = flow.send(Self.ok(Self.chatResponse), fromClient: false, segmentSize: 40)
        lossy.remove(at: 3)  // lost before the capture saw it, never retransmitted
        segments += lossy
        segments += flow.send(Self.post(Self.chatRequest), fromClient: true)
        segments += flow.send(Self.ok(Self.chatResponse), fromClient: false)
        segments += flow.close()
        let (exchanges, summary) = try importCapture(PcapTestCapture(segments: segments))
        #expect(exchanges.count == 2)
        #expect(summary.incompleteExchanges == 1)
        #expect(summary.gapBytes == 40)
        #expect(exchanges[0].response?.body.truncated == true)
        #expect(exchanges[0].error?.contains("incomplete") == true)
        #expect(exchanges[1].response?.body.json?["id"]?.stringValue == "c1")
        #expect(exchanges[1].error == nil)
    }

    @Test func decodesIPv6WithExtensionHeadersOnEveryLinkType() throws {
        for link in [PcapTestCapture.Link.ethernet, .null, .raw, .linuxCooked, .linuxCooked2] {
            var flow = PcapTestFlow(
                client: ([0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1], 50_000),
                server: (Array(repeating: 0, count: 15) + [1], 11434))
            let segments = flow.handshake() + flow.send(Self.post(Self.chatRequest), fromClient: true)
                + flow.send(Self.ok(Self.chatResponse), fromClient: false) + flow.close()
            let (exchanges, _) = try importCapture(PcapTestCapture(link: link, segments: segments))
            #expect(exchanges.count == 1, "link type \(link)")
            #expect(exchanges.first?.capture.client == "[2001:db8::1]:50000", "link type \(link)")
            #expect(exchanges.first?.capture.listener == "[::1]:11434", "link type \(link)")
        }
    }

    @Test func readsPcapngLikePcap() throws {
        var flow = PcapTestFlow()
        let segments = flow.handshake() + flow.send(Self.post(Self.chatRequest), fromClient: true)
            + flow.send(Self.ok(Self.chatResponse), fromClient: false) + flow.close()
        let (exchanges, _) = try importCapture(PcapTestCapture(link: .linuxCooked2, segments: segments), pcapng: true)
        #expect(exchanges.count == 1)
        #expect(exchanges.first?.timing.startMicros == segments[3].micros)
    }

    @Test func decodesChunkedGzipResponses() throws {
        let gzip = try ProcessRunner.run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "gzip -c | base64 -w0"], stdin: Data(Self.chatResponse.utf8))
        let compressed = try #require(Data(base64Encoded: gzip.stdout))
        var head = Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n".utf8)
        head += Array("Transfer-Encoding: chunked\r\n\r\n".utf8)
        var body: [UInt8] = []
        var offset = 0
        while offset < compressed.count {
            let piece = Array(compressed[offset..<min(compressed.count, offset + 50)])
            body += Array("\(String(piece.count, radix: 16))\r\n".utf8) + piece + Array("\r\n".utf8)
            offset += 50
        }
        body += Array("0\r\n\r\n".utf8)
        var flow = PcapTestFlow()
        let segments = flow.handshake() + flow.send(Self.post(Self.chatRequest), fromClient: true)
            + flow.send(head + body, fromClient: false, segmentSize: 33) + flow.close()
        let (exchanges, _) = try importCapture(PcapTestCapture(segments: segments))
        #expect(exchanges.first?.response?.body.bytes == Array(Self.chatResponse.utf8))
        #expect(exchanges.first?.llm?.usage?.outputTokens == 1)
    }

    @Test func timesSSEEventsByThePacketsThatCarriedThem() throws {
        let events = (0..<4).map { "data: {\"choices\":[{\"delta\":{\"content\":\"t\($0)\"}}]}\n\n" } + ["data: [DONE]\n\n"]
        var flow = PcapTestFlow()
        var segments = flow.handshake() + flow.send(Self.post(#"{"model":"gpt-4o","stream":true,"messages":[]}"#), fromClient: true)
        segments += flow.send("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n", fromClient: false)
        for event in events {
            segments += flow.send("\(String(event.utf8.count, radix: 16))\r\n\(event)\r\n", fromClient: false, stepMicros: 50_000)
        }
        segments += flow.send("0\r\n\r\n", fromClient: false) + flow.close()
        let (exchanges, _) = try importCapture(PcapTestCapture(segments: segments))
        let sse = try #require(exchanges.first?.response?.sse)
        #expect(sse.map(\.data).last == "[DONE]")
        try #require(sse.count == 5, "events: \(sse)")
        // 50 ms between packets: the recorded event times are 50 ms apart too.
        #expect(abs((sse[1].tMs - sse[0].tMs) - 50) < 0.01)
        #expect(exchanges.first?.llm?.stream == true)
    }

    @Test func skipsAndCountsTLSOnACapturedPort() throws {
        var flow = PcapTestFlow(server: ([127, 0, 0, 1], 443))
        let hello: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0x05, 1, 0, 0, 1, 0]
        let segments = flow.handshake() + flow.send(hello, fromClient: true)
            + flow.send([0x16, 0x03, 0x03, 0, 2, 2, 0], fromClient: false) + flow.close()
        let (exchanges, summary) = try importCapture(PcapTestCapture(segments: segments))
        #expect(exchanges.isEmpty)
        #expect(summary.tlsFlows == 1)
    }

    @Test func recordsARequestWithoutResponseAsUnanswered() throws {
        var flow = PcapTestFlow()
        let segments = flow.handshake() + flow.send(Self.post(Self.chatRequest), fromClient: true)
        let (exchanges, summary) = try importCapture(PcapTestCapture(segments: segments))
        #expect(exchanges.count == 1)
        #expect(exchanges.first?.response == nil)
        #expect(exchanges.first?.outcome == .upstreamError)
        #expect(summary.incompleteExchanges == 1)
    }

    @Test func importsOnlyTheSelectedPorts() throws {
        var one = PcapTestFlow(server: ([127, 0, 0, 1], 8080))
        var two = PcapTestFlow(client: ([127, 0, 0, 1], 40_001), server: ([127, 0, 0, 1], 9090))
        let segments = one.handshake() + one.send(Self.post(Self.chatRequest), fromClient: true)
            + one.send(Self.ok(Self.chatResponse), fromClient: false) + one.close() + two.handshake()
            + two.send(Self.post(Self.chatRequest), fromClient: true) + two.send(Self.ok(Self.chatResponse), fromClient: false)
            + two.close()
        let (exchanges, summary) = try importCapture(
            PcapTestCapture(segments: segments.sorted { $0.micros < $1.micros }), configuration: .init(ports: [9090]))
        #expect(exchanges.map(\.capture.listener) == ["127.0.0.1:9090"])
        #expect(summary.flows == 1)
    }

    @Test func recoversFromACaptureThatStartedMidConnection() throws {
        var flow = PcapTestFlow()
        _ = flow.handshake()
        _ = flow.send(Self.post(Self.chatRequest), fromClient: true)  // before the capture began
        _ = flow.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", fromClient: false)
        let segments = flow.send("ok", fromClient: false) + flow.send(Self.post(Self.chatRequest), fromClient: true)
            + flow.send(Self.ok(Self.chatResponse), fromClient: false) + flow.close()
        let (exchanges, _) = try importCapture(PcapTestCapture(segments: segments), configuration: .init(ports: [8080]))
        #expect(exchanges.count == 1)
        #expect(exchanges.first?.response?.body.json?["id"]?.stringValue == "c1")
    }
}
