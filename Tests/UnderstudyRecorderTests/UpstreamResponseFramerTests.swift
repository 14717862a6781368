import NIOCore
import Testing
import UnderstudyRecorder

/// The direct path's response framing, byte by byte and whole: what the agent gets back (status,
/// body bytes, where a response ends) and whether the upstream connection may be reused.
struct UpstreamResponseFramerTests {
    /// Feeds `text` in pieces of `step` bytes (0: all at once) and renders the events, body bytes
    /// joined; a thrown failure ends the list as "failed".
    func frame(_ text: String, step: Int = 0, head: Bool = false, close: Bool = false,
               framer: inout UpstreamResponseFramer) -> [String] {
        framer.expectResponse(toHEAD: head)
        let bytes = Array(text.utf8)
        var out: [String] = []
        var body = ""
        func take(_ event: UpstreamResponseFramer.Event) {
            switch event {
            case .head(let head):
                out.append("head:\(head.status ?? 0)")
            case .body(let buffer):
                body += String(buffer: buffer)
            case .end:
                if !body.isEmpty { out.append("body:" + body) }
                body = ""
                out.append("end")
            }
        }
        let size = step == 0 ? max(1, bytes.count) : step
        do {
            for start in stride(from: 0, to: bytes.count, by: size) {
                var buffer = ByteBuffer(bytes: bytes[start..<min(bytes.count, start + size)])
                while let event = try framer.next(&buffer) { take(event) }
                #expect(buffer.readableBytes == 0)
            }
            var empty = ByteBuffer()
            while let event = try framer.next(&empty) { take(event) }
            if close, let event = try framer.closed() { take(event) }
        } catch {
            out.append("failed")
        }
        if !body.isEmpty { out.append("partial:" + body) }
        return out
    }

    func frame(_ text: String, step: Int = 0, head: Bool = false, close: Bool = false) -> [String] {
        var framer = UpstreamResponseFramer()
        return frame(text, step: step, head: head, close: close, framer: &framer)
    }

    @Test func contentLengthResponsesFollowEachOtherOnOneConnection() {
        for step in [0, 1, 3] {
            var framer = UpstreamResponseFramer()
            let first = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: application/json\r\n\r\n{\"a\"}"
            #expect(frame(first, step: step, framer: &framer) == ["head:200", "body:{\"a\"}", "end"])
            #expect(framer.reusable && framer.isIdle)
            let second = "HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\nno"
            #expect(frame(second, step: step, framer: &framer) == ["head:404", "body:no", "end"])
        }
    }

    @Test func chunkedBodiesArriveDechunkedWithExtensionsAndTrailersDropped() {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "6;ext=1\r\ndata: \r\n9\r\n{\"x\":1}\n\n\r\n0\r\nX-Trailer: t\r\n\r\n"
        for step in [0, 1, 2, 7] {
            #expect(frame(text, step: step) == ["head:200", "body:data: {\"x\":1}\n\n", "end"], "step \(step)")
        }
        #expect(frame("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", step: 1) == ["head:200", "end"])
    }

    @Test func interimResponsesAreSkippedAndBodilessResponsesEndAtTheirHead() {
        #expect(frame("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", step: 1) == ["head:204", "end"])
        #expect(frame("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", head: true) == ["head:200", "end"])
        #expect(frame("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n") == ["head:304", "end"])
    }

    @Test func aBodyWithoutLengthRunsUntilTheUpstreamClosesAndEndsReuse() {
        var framer = UpstreamResponseFramer()
        #expect(frame("HTTP/1.1 200 OK\r\n\r\nall of it", step: 4, close: true, framer: &framer)
            == ["head:200", "body:all of it", "end"])
        #expect(!framer.reusable)
        var closing = UpstreamResponseFramer()
        _ = frame("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", framer: &closing)
        #expect(!closing.reusable)
        var old = UpstreamResponseFramer()
        _ = frame("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", framer: &old)
        #expect(!old.reusable)
    }

    @Test func brokenResponsesFail() {
        #expect(frame("HTTP/1.1 2x0 OK\r\n\r\n") == ["failed"])
        #expect(frame("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") == ["head:200", "failed"])
        #expect(frame("HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n") == ["failed"])
        // Closed inside a framed body: not a complete response.
        #expect(frame("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", close: true)
            == ["head:200", "failed", "partial:short"])
        var framer = UpstreamResponseFramer(maxHeadBytes: 64)
        #expect(frame("HTTP/1.1 200 OK\r\nX-Long: " + String(repeating: "a", count: 100), step: 10, framer: &framer)
            == ["failed"])
    }
}
