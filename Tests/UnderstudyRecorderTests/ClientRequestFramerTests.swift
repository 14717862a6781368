import NIOCore
import Testing
import UnderstudyArchive
import UnderstudyRecorder

/// The reverse proxy's request framing on the client side, whole, byte by byte and in uneven
/// splits: which requests the agent sent (method, target, keep-alive), their body bytes and
/// where each ends, and what malformed input is refused with (400 or 431) and where it broke.
struct ClientRequestFramerTests {
    /// Feeds `text` in pieces of `step` bytes (0: all at once) and renders the events, body bytes
    /// joined; a thrown failure ends the list as "failed <status>: <description>".
    func frame(_ text: String, step: Int = 0, maxHeadBytes: Int = 1024) -> [String] {
        var framer = ClientRequestFramer(maxHeadBytes: maxHeadBytes)
        let bytes = Array(text.utf8)
        var out: [String] = []
        var body = ""
        func take(_ event: ClientRequestFramer.Event) {
            switch event {
            case .head(let head):
                out.append("\(head.method) \(head.target)\(head.keepAlive ? "" : " close")")
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
        } catch {
            out.append("failed \(error.status): \(error.description)")
        }
        if !body.isEmpty { out.append("partial:" + body) }
        return out
    }

    static let pipelined = "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n"
        + "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
        + "\r\nPOST /v1/embeddings HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n"
        + "HEAD /x HTTP/1.0\r\n\r\n"

    @Test func pipelinedRequestsComeOutInOrderWholeAndInAnySplit() {
        let expected = [
            "GET /v1/models", "end", "POST /v1/chat/completions", "body:{\"a\":1}", "end",
            "POST /v1/embeddings", "body:abcde", "end", "HEAD /x close", "end",
        ]
        #expect(frame(Self.pipelined) == expected)
        for step in [1, 2, 3, 7, 64] {
            #expect(frame(Self.pipelined, step: step) == expected, "split every \(step) bytes")
        }
    }

    @Test func headFieldsSayHowTheRequestIsFramedAndWhetherTheConnectionStays() throws {
        var framer = ClientRequestFramer(maxHeadBytes: 1024)
        var bytes = ByteBuffer(string: "POST /v1/messages?beta=true HTTP/1.1\r\nHost: x\r\nConnection: close, X-Hop\r\n"
            + "Expect: 100-continue\r\nContent-Length: 5, 5\r\nX-Hop: 1\r\n\r\n")
        guard case .head(let head) = try framer.next(&bytes) else {
            Issue.record("no head")
            return
        }
        #expect(head.target == "/v1/messages?beta=true")
        #expect(!head.keepAlive)
        #expect(head.contentLength == 5)
        #expect(head.expect == "100-continue")
        #expect(head.connectionTokens == ["close", "x-hop"])
        #expect(head.fields.map(\.name) == ["Host", "Connection", "Expect", "Content-Length", "X-Hop"])
        #expect(try framer.next(&bytes) == nil, "the body has not arrived yet")
        #expect(!framer.atMessageBoundary)
        var keepAlive10 = ClientRequestFramer(maxHeadBytes: 1024)
        var old = ByteBuffer(string: "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
        guard case .head(let head10) = try keepAlive10.next(&old) else {
            Issue.record("no head")
            return
        }
        #expect(head10.keepAlive)
    }

    @Test func anEmptyHostOrExpectIsToldApartFromNone() throws {
        func head(_ text: String) throws -> ClientRequestHead? {
            var framer = ClientRequestFramer(maxHeadBytes: 1024)
            var bytes = ByteBuffer(string: text)
            guard case .head(let head) = try framer.next(&bytes) else { return nil }
            return head
        }
        let empty = try #require(try head("GET / HTTP/1.1\r\nHost:\r\nExpect: \r\n\r\n"))
        let none = try #require(try head("GET / HTTP/1.1\r\n\r\n"))
        #expect(empty.host == "")
        #expect(empty.expect == "")
        #expect(empty.framingError == nil)
        #expect(none.host == nil)
        #expect(none.expect == nil)
        #expect(empty != none)
        var set = none
        set.host = "api.example"
        #expect(set.host == "api.example")
        set.host = nil
        #expect(set == none)
    }

    @Test func malformedRequestsAreRefusedWithWhatBrokeAndWhere() {
        #expect(frame("THIS IS NOT HTTP\r\n\r\n") == ["failed 400: request 1's head: bad start line \"THIS IS NOT HTTP\""])
        #expect(frame("GARBAGE\0 / HTTP/1.1\r\n\r\n").first?.hasPrefix("failed 400: request 1's head") == true)
        #expect(frame(Self.get + "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n")
            == ["GET /", "end", "failed 400: request 2's head: bad header line \"Bad Name: x\""])
        #expect(frame("GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n").first?.hasPrefix("failed 400") == true,
                "obsolete line folding is refused")
        #expect(frame("GET / HTTP/1.1\r\nX-A: a\u{1}b\r\n\r\n").first?.hasPrefix("failed 400") == true)
        #expect(frame("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
            == ["failed 400: request 1's head: invalid or conflicting Content-Length \"2\""])
        #expect(frame("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n").first?.hasPrefix("failed 400") == true)
        #expect(frame("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc")
            == ["failed 400: request 1's head: both Transfer-Encoding and Content-Length"])
        #expect(frame("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n")
            == ["failed 400: request 1's head: Transfer-Encoding whose last coding is not chunked"])
        #expect(frame("GET / HTTP/2.0\r\n\r\n").first?.hasPrefix("failed 400") == true)
        // Inside a body: the failure names the request and the byte of its body.
        #expect(frame("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\nzz\r\n", step: 3)
            == ["POST /", "failed 400: request 1's body: invalid chunk size line \"zz\" at byte 7 of the body",
                "partial:ab"])
        #expect(frame("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX")
            == ["POST /", "failed 400: request 1's body: chunk data not followed by CRLF at byte 5 of the body",
                "partial:ab"])
    }

    static let get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"

    @Test func headsOverTheLimitAre431EvenBeforeTheyEnd() {
        let big = "GET / HTTP/1.1\r\nX-Big: " + String(repeating: "b", count: 2000) + "\r\n\r\n"
        #expect(frame(big) == ["failed 431: request 1's head is longer than 1024 bytes"])
        #expect(frame(String(big.prefix(1500)), step: 100) == ["failed 431: request 1's head is longer than 1024 bytes"],
                "a head still arriving is refused once it passes the limit")
        #expect(frame(big, maxHeadBytes: 4096) == ["GET /", "end"])
    }

    @Test func emptyLinesBetweenRequestsAreSkipped() {
        #expect(frame("\r\n\r\n" + Self.get + "\r\n" + Self.get, step: 1) == ["GET /", "end", "GET /", "end"])
    }

    /// Field names are matched in any ASCII case and only when every byte matches: a look-alike
    /// (one letter off, a non-ASCII byte, a letter that folds to ASCII only under Unicode case
    /// folding) frames nothing and is forwarded as an ordinary field.
    @Test func fieldNamesMatchInAnyCaseAndLookAlikesDoNot() throws {
        for name in ["CONTENT-LENGTH", "content-length", "Content-Length", "cOnTeNt-LeNgTh"] {
            #expect(frame("POST /x HTTP/1.1\r\n\(name): 2\r\n\r\nhiGET / HTTP/1.1\r\n\r\n")
                == ["POST /x", "body:hi", "end", "GET /", "end"], "\(name)")
        }
        for name in ["Content-Lengti", "Dontent-Length", "Content_Length"] {
            var framer = ClientRequestFramer(maxHeadBytes: 1024)
            var bytes = ByteBuffer(string: "POST /x HTTP/1.1\r\n\(name): 2\r\n\r\n")
            guard case .head(let head)? = try framer.next(&bytes) else { Issue.record("no head for \(name)"); continue }
            #expect(head.contentLength == nil, "\(name)")
        }
        // Not tokens, so the framer refuses them; as fields they frame nothing either. The first
        // has the name's byte count; the long s (U+017F) folds to `s` and the Kelvin sign
        // (U+212A) to `k` only under Unicode case folding, not under HTTP's ASCII rule.
        let lookAlikes = ClientRequestHead(method: "POST", target: "/x", version: .http1_1, fields: [
            HTTPHeaderField("Content-Leng\u{e9}", "2"), HTTPHeaderField("Tran\u{17F}fer-Encoding", "chunked"),
            HTTPHeaderField("Api-\u{212A}ey", "secret"),
        ])
        #expect(lookAlikes.contentLength == nil)
        #expect(!lookAlikes.hasTransferEncoding && !lookAlikes.chunked && lookAlikes.framingError == nil)
        #expect(!lookAlikes.hasAPIKey)
    }
}
