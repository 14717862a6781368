import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// The reverse proxy's own request framing on the client side (no HTTP codec in front): requests
/// pipelined in one write are answered one at a time, in order, with content-length and chunked
/// bodies forwarded and recorded as sent.
@Suite struct RecordPipeliningTests {
    static let script = [
        #"{"match": {"contains": "ONE"}, "response": {"content": "first answer", "tool_calls": []}}"#,
        #"{"match": {"contains": "TWO"}, "response": {"content": "second answer", "tool_calls": []}}"#,
        #"{"match": {"contains": "FOUR"}, "response": {"content": "fourth answer", "tool_calls": []}}"#,
        #"{"response": {"content": "third answer", "tool_calls": []}}"#,
    ].joined(separator: "\n")

    static func post(_ body: String, extra: String = "") -> String {
        "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\(extra)"
            + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    @Test func pipelinedRequestsAreAnsweredInOrderWithTheirBodiesAndTheConnectionGoesOn() throws {
        let harness = try RecorderHarness(script: Self.script)
        let one = #"{"model":"m","messages":[{"role":"user","content":"ONE"}]}"#
        let two = #"{"model":"m","messages":[{"role":"user","content":"TWO"}]}"#
        let three = #"{"model":"m","messages":[{"role":"user","content":"three"}]}"#
        let four = #"{"model":"m","messages":[{"role":"user","content":"FOUR"}]}"#
        // The second body chunked, split mid-way.
        let chunked = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + String(two.utf8.count - 10, radix: 16) + "\r\n" + String(two.dropLast(10)) + "\r\n"
            + "a\r\n" + String(two.suffix(10)) + "\r\n0\r\n\r\n"
        let connection = try RawConnection(port: harness.proxyPort)
        // The proxy stops reading the client while a pipelined request waits for the answer
        // before it; after the batch it must read the client again: one more request, which asks
        // to close.
        connection.send(Self.post(one) + chunked + Self.post(three))
        var text = connection.read(until: "third answer", timeout: 10)
        connection.send(Self.post(four, extra: "Connection: close\r\n"))
        let reply = connection.readAll(timeout: 10)
        text += reply.text
        #expect(reply.closed, "the proxy closes after the request that asked it to")
        let statuses = text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { $0.prefix(3) }
        #expect(statuses == ["200", "200", "200", "200"], "\(text)")
        let positions = ["first answer", "second answer", "third answer", "fourth answer"].map {
            text.range(of: $0)?.lowerBound
        }
        #expect(positions.allSatisfy { $0 != nil }, "\(text)")
        let found = positions.compactMap { $0 }
        #expect(found == found.sorted(), "answers out of order")

        let exchanges = try harness.stopAndRead()
        let bodies = exchanges.map { String(decoding: $0.request.body.bytes, as: UTF8.self) }
        #expect(bodies.sorted() == [one, two, three, four].sorted(), "bodies recorded as sent, the chunked one de-chunked")
        #expect(exchanges.allSatisfy { $0.outcome == .ok })
    }

    @Test func aMalformedChunkedBodyClosesOnlyItsConnection() throws {
        let harness = try RecorderHarness(script: Self.script)
        let broken = try RawConnection(port: harness.proxyPort)
        broken.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
        let brokenReply = broken.readAll(timeout: 10)
        #expect(brokenReply.closed)
        let fine = try harness.curl([
            "-s", "--max-time", "10", "-H", "content-type: application/json",
            "-d", #"{"model":"m","messages":[{"role":"user","content":"ONE"}]}"#, "\(harness.base)/v1/chat/completions",
        ])
        #expect(fine.stdout.contains("first answer"), "\(fine.stdout) \(fine.stderr)")
        _ = try harness.stopAndRead()
    }
}
