import Testing
import UnderstudyArchive
import UnderstudyRecorder

struct PcapHTTP1MessageParserTests {
    /// A compact rendering of parser events, for whole-sequence comparisons.
    func render(_ events: [HTTP1MessageParser.Event]) -> [String] {
        var out: [String] = []
        var body: [UInt8] = []
        func flushBody() {
            if !body.isEmpty { out.append("body:" + String(decoding: body, as: UTF8.self)) }
            body = []
        }
        for event in events {
            switch event {
            case .head(let head):
                flushBody()
                out.append(head.method.map { "request:\($0) \(head.target ?? "")" } ?? "response:\(head.status ?? 0)")
            case .body(let bytes):
                body += bytes
            case .end(let trailers, let complete):
                flushBody()
                let names = trailers.map(\.name).joined(separator: ",")
                out.append("end:\(complete ? "complete" : "incomplete")" + (names.isEmpty ? "" : " trailers:\(names)"))
            case .lostSync:
                flushBody()
                out.append("lost")
            }
        }
        flushBody()
        return out
    }

    /// Parses `text` one byte at a time, the hardest split for a parser.
    func byteByByte(_ text: String, kind: HTTP1MessageParser.Kind, methods: [String] = []) -> [String] {
        var parser = HTTP1MessageParser(kind: kind)
        for method in methods { parser.expectResponse(toMethod: method) }
        var events: [HTTP1MessageParser.Event] = []
        for byte in text.utf8 { parser.parse([byte], into: &events) }
        parser.close(into: &events)
        return render(events)
    }

    @Test func parsesKeepAliveRequestsWithContentLengthByteByByte() {
        let text =
            "POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
            + "GET /health HTTP/1.1\r\nHost: a\r\n\r\n"
        #expect(
            byteByByte(text, kind: .request) == [
                "request:POST /v1/chat/completions", "body:{\"a\":1}", "end:complete", "request:GET /health",
                "end:complete",
            ])
    }

    @Test func keepsHeaderOrderAndCase() {
        var parser = HTTP1MessageParser(kind: .request)
        var events: [HTTP1MessageParser.Event] = []
        parser.parse(Array("GET / HTTP/1.1\r\nX-B: 2\r\nhost: h\r\nX-A:  1 \r\n\r\n".utf8), into: &events)
        guard case .head(let head) = events.first else {
            Issue.record("no head")
            return
        }
        #expect(head.headers == [HTTPHeaderField("X-B", "2"), HTTPHeaderField("host", "h"), HTTPHeaderField("X-A", "1")])
    }

    @Test func decodesChunkedBodiesWithExtensionsAndTrailers() {
        let text =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\n\r\n"
        #expect(
            byteByByte(text, kind: .response, methods: ["POST"]) == [
                "response:200", "body:hello world", "end:complete trailers:X-Checksum",
            ])
    }

    @Test func readsAResponseWithoutLengthUntilTheConnectionCloses() {
        #expect(
            byteByByte("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it", kind: .response, methods: ["GET"])
                == ["response:200", "body:all of it", "end:complete"])
    }

    @Test func appliesTheNoBodyRules() {
        // HEAD (with a Content-Length that must not be read), 204, 304, then a 100 Continue
        // before the final response.
        let text =
            "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n" + "HTTP/1.1 204 No Content\r\n\r\n"
            + "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n" + "HTTP/1.1 100 Continue\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        #expect(
            byteByByte(text, kind: .response, methods: ["HEAD", "DELETE", "GET", "POST"]) == [
                "response:200", "end:complete", "response:204", "end:complete", "response:304", "end:complete",
                "response:100", "end:complete", "response:200", "body:ok", "end:complete",
            ])
    }

    @Test func splitsPipelinedResponsesInOneChunk() {
        var parser = HTTP1MessageParser(kind: .response)
        parser.expectResponse(toMethod: "GET")
        parser.expectResponse(toMethod: "GET")
        var events: [HTTP1MessageParser.Event] = []
        parser.parse(
            Array("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nb".utf8),
            into: &events)
        #expect(render(events) == ["response:200", "body:a", "end:complete", "response:404", "body:b", "end:complete"])
    }

    @Test func marksABodyWithAGapIncompleteAndStaysInSync() {
        var parser = HTTP1MessageParser(kind: .request)
        var events: [HTTP1MessageParser.Event] = []
        parser.parse(Array("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123".utf8), into: &events)
        parser.gap(3, into: &events)
        parser.parse(Array("789GET /next HTTP/1.1\r\n\r\n".utf8), into: &events)
        #expect(render(events) == ["request:POST /", "body:0123789", "end:incomplete", "request:GET /next", "end:complete"])
    }

    @Test func losesSyncOnAGapInAChunkSizeAndResyncsAtTheNextMessage() {
        var parser = HTTP1MessageParser(kind: .response)
        parser.expectResponse(toMethod: "POST")
        parser.expectResponse(toMethod: "POST")
        var events: [HTTP1MessageParser.Event] = []
        parser.parse(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n".utf8), into: &events)
        parser.gap(20, into: &events)
        parser.parse(Array("garbage that is not a message start".utf8), into: &events)
        parser.parse(Array("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n".utf8), into: &events)
        #expect(render(events) == ["response:200", "body:abc", "end:incomplete", "response:201", "end:complete"])
    }

    @Test func reportsGarbageAsLostSync() {
        #expect(byteByByte("\u{16}\u{03}\u{01} not http\r\n\r\n", kind: .request) == ["lost"])
    }

    @Test func treatsTheRestOfAnUpgradedConnectionAsATunnel() {
        var parser = HTTP1MessageParser(kind: .response)
        parser.expectResponse(toMethod: "GET")
        var events: [HTTP1MessageParser.Event] = []
        parser.parse(Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u{81}\u{05}hello".utf8), into: &events)
        #expect(parser.isTunnel)
        #expect(render(events) == ["response:101", "end:complete"])
    }

    @Test func endsAMessageCutByTheConnectionCloseAsIncomplete() {
        #expect(
            byteByByte("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", kind: .response, methods: ["GET"])
                == ["response:200", "body:short", "end:incomplete"])
    }
}
