import NIOCore
import NIOHTTP1
import Testing
import UnderstudyArchive
import UnderstudyRecorder

/// The heads the proxy writes (to the agent and to the upstream) are built in one reserved run of
/// bytes (`HeadBytes`): these compare them with the same head spelled out as text, for heads of
/// many fields, long and non-ASCII values and every framing, so a wrong reservation (a trap) or
/// a misplaced byte would show.
struct HeadEncodingTests {
    /// Fields of seeded random lengths, some long, some with UTF-8 beyond ASCII.
    static func fields(count: Int, seed: UInt64) -> [HTTPHeaderField] {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        return (0..<count).map { i in
            let name = "x-field-\(i)" + String(repeating: "n", count: next(40))
            let value = String(repeating: i % 3 == 0 ? "é" : "v", count: next(i % 5 == 0 ? 3000 : 60))
            return HTTPHeaderField(name, value)
        }
    }

    @Test(arguments: [0, 1, 7, 60])
    func aResponseHeadIsItsFieldsInOrder(count: Int) {
        let fields = Self.fields(count: count, seed: UInt64(count) + 1)
        for (version, chunked, reason) in [(HTTPVersion.http1_1, false, "OK"), (.http1_1, true, ""), (.http1_0, false, "Fine")] {
            var buffer = ByteBuffer()
            ClientResponseEncoder.writeHead(version: version, status: 200, reason: reason, fields: fields,
                                            chunked: chunked, into: &buffer)
            var expected = version.minor == 0 ? "HTTP/1.0 200 " : "HTTP/1.1 200 "
            expected += (reason.isEmpty ? "OK" : reason) + "\r\n"
            for field in fields { expected += "\(field.name): \(field.value)\r\n" }
            expected += chunked ? "transfer-encoding: chunked\r\n\r\n" : "\r\n"
            #expect(buffer.readString(length: buffer.readableBytes) == expected)
        }
    }

    @Test(arguments: [0, 3, 40])
    func anUpstreamRequestHeadIsRewrittenInOnePass(count: Int) {
        var fields = Self.fields(count: count, seed: UInt64(count) + 100)
        // Dropped: Host (replaced), Expect, Content-Length (written from the framing), hop-by-hop
        // fields and those `Connection` names, Accept-Encoding on LLM routes.
        fields.insert(HTTPHeaderField("Host", "agent.example"), at: 0)
        fields.append(HTTPHeaderField("Connection", "keep-alive, x-private"))
        fields.append(HTTPHeaderField("X-Private", "hop"))
        fields.append(HTTPHeaderField("Accept-Encoding", "gzip"))
        fields.append(HTTPHeaderField("Content-Length", "12"))
        fields.append(HTTPHeaderField("Expect", "100-continue"))
        let head = ClientRequestHead(method: "POST", target: "/v1/chat/completions", version: .http1_1, fields: fields)
        let kept = fields.filter { !["host", "connection", "x-private", "accept-encoding", "content-length", "expect"].contains($0.name.lowercased()) }
        let framings: [(UpstreamRequestEncoder.Framing, String)] = [
            (.length(12), "content-length: 12\r\n\r\n"), (.length(Int.max), "content-length: \(Int.max)\r\n\r\n"),
            (.length(0), "content-length: 0\r\n\r\n"), (.chunked, "transfer-encoding: chunked\r\n\r\n"), (.none, "\r\n"),
        ]
        for (framing, ending) in framings {
            var buffer = ByteBuffer()
            UpstreamRequestEncoder.writeHead(head, path: "/base/v1/chat/completions", host: "upstream.example:8443",
                                             dropAcceptEncoding: true, framing: framing, into: &buffer)
            var expected = "POST /base/v1/chat/completions HTTP/1.1\r\nhost: upstream.example:8443\r\n"
            for field in kept { expected += "\(field.name): \(field.value)\r\n" }
            expected += ending
            #expect(buffer.readString(length: buffer.readableBytes) == expected)
        }
    }

    /// The names `Connection` lists are dropped upstream in any ASCII case; a look-alike stays: one
    /// letter off, a non-ASCII letter, or one that folds to ASCII only under Unicode case folding
    /// (the long s U+017F to `s`, the Kelvin sign U+212A to `k`).
    @Test func theNamesConnectionListsAreDroppedInAnyCaseAndLookAlikesStay() {
        let head = ClientRequestHead(method: "POST", target: "/x", version: .http1_1, fields: [
            HTTPHeaderField("CONNECTION", "X-Private, keep-alive, x-task"), HTTPHeaderField("x-PRIVATE", "hop"),
            HTTPHeaderField("X-Task", "hop too"), HTTPHeaderField("x-privatf", "kept"),
            HTTPHeaderField("X-Priv\u{e4}t", "kept too"), HTTPHeaderField("X-Ta\u{17F}k", "long s"),
            HTTPHeaderField("X-Tas\u{212A}", "kelvin"),
        ])
        var buffer = ByteBuffer()
        UpstreamRequestEncoder.writeHead(head, path: "/x", host: "up", dropAcceptEncoding: false, framing: .none, into: &buffer)
        #expect(buffer.readString(length: buffer.readableBytes)
            == "POST /x HTTP/1.1\r\nhost: up\r\nx-privatf: kept\r\nX-Priv\u{e4}t: kept too\r\n"
            + "X-Ta\u{17F}k: long s\r\nX-Tas\u{212A}: kelvin\r\n\r\n")
    }
}
