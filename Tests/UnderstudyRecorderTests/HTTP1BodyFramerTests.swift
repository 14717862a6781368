import NIOCore
import Testing
import UnderstudyRecorder

/// The one body framing of the project (proxy requests and responses, pcap import): which bytes
/// belong to the body, where it ends, what breaks it and at which byte.
struct HTTP1BodyFramerTests {
    /// The body and what follows it, fed in pieces of `step` bytes (0: whole); "rest:" is what the
    /// framer left unread after the end (the next message's bytes).
    func frame(_ framing: HTTP1BodyFramer.Framing, _ text: String, step: Int = 0, close: Bool = false) -> [String] {
        var framer = HTTP1BodyFramer(framing)
        let bytes = Array(text.utf8)
        var body = ""
        var out: [String] = []
        var rest = ""
        let size = step == 0 ? max(1, bytes.count) : step
        do {
            for start in stride(from: 0, to: bytes.count, by: size) {
                var buffer = ByteBuffer(bytes: bytes[start..<min(bytes.count, start + size)])
                while let event = try framer.next(&buffer) {
                    switch event {
                    case .data(let slice): body += String(buffer: slice)
                    case .end(let trailers):
                        out.append("body:" + body)
                        if !trailers.isEmpty { out.append("trailers:" + String(decoding: trailers, as: UTF8.self)) }
                    }
                }
                rest += String(buffer: buffer)
            }
            if close, case .end = try framer.closed() { out.append("body:" + body) }
        } catch {
            out.append("failed: \(error)")
        }
        if !rest.isEmpty { out.append("rest:" + rest) }
        return out
    }

    @Test func eachFramingEndsWhereItsMessageDoesInAnySplit() {
        for step in [0, 1, 2, 5] {
            #expect(frame(.length(5), "hello" + "NEXT", step: step) == ["body:hello", "rest:NEXT"], "step \(step)")
            #expect(frame(.chunked, "5\r\nhello\r\n1;x=y\r\n!\r\n0\r\nA: b\r\n\r\nNEXT", step: step)
                == ["body:hello!", "trailers:A: b\r\n\r\n", "rest:NEXT"], "step \(step)")
            #expect(frame(.chunked, "3\nabc\n0\n\n", step: step) == ["body:abc"], "bare line feeds, step \(step)")
            #expect(frame(.untilClose, "all of it", step: step, close: true) == ["body:all of it"], "step \(step)")
        }
        #expect(frame(.length(0), "NEXT") == ["body:", "rest:NEXT"])
    }

    @Test func brokenFramingNamesTheByte() {
        #expect(frame(.chunked, "2\r\nab\r\nxyz\r\n") == [#"failed: invalid chunk size line "xyz" at byte 7 of the body"#])
        #expect(frame(.chunked, "\r\n") == ["failed: empty chunk size line at byte 0 of the body"])
        #expect(frame(.chunked, "1000000000000000\r\n") == ["failed: chunk size too large at byte 0 of the body"])
        #expect(frame(.chunked, String(repeating: "1", count: 1100), step: 100)
            == ["failed: chunk size line longer than 1024 bytes at byte 1000 of the body"])
        #expect(frame(.length(10), "short", close: true) == ["failed: the connection closed inside the body at byte 5 of the body"])
    }

    @Test func gapsInsideALengthKeepTheFraming() throws {
        var framer = HTTP1BodyFramer(.length(10))
        let kept = framer.gap(4)
        #expect(kept)
        var buffer = ByteBuffer(string: "abcdef")
        #expect(try framer.next(&buffer) == .data(ByteBuffer(string: "abcdef")))
        #expect(try framer.next(&buffer) == .end(trailers: []))
        var chunked = HTTP1BodyFramer(.chunked)
        let chunkedKept = chunked.gap(1)
        #expect(!chunkedKept, "a gap in a chunk-size line loses the framing")
    }
}
