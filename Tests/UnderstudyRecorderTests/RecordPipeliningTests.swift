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
        #"{"response": {"content": "third answer", "tool_calls": []}}"#,
    ].joined(separator: "\n")

    static func post(_ body: String, extra: String = "") -> String {
        "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\(extra)"
            + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    @Test func pipelinedRequestsAreAnsweredInOrderWithTheirBodies() throws {
        let harness = try RecorderHarness(script: Self.script)
        let one = #"{"model":"m","messages":[{"role":"user","content":"ONE"}]}"#
        let two = #"{"model":"m","messages":[{"role":"user","content":"TWO"}]}"#
        let three = #"{"model":"m","messages":[{"role":"user","content":"three"}]}"#
        // The second body chunked, split mid-way; the last request asks to close.
        let chunked = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + String(two.utf8.count - 10, radix: 16) + "\r\n" + String(two.dropLast(10)) + "\r\n"
            + "a\r\n" + String(two.suffix(10)) + "\r\n0\r\n\r\n"
        let connection = try RawConnection(port: harness.proxyPort)
        connection.send(Self.post(one) + chunked + Self.post(three, extra: "Connection: close\r\n"))
        let reply = connection.readAll(timeout: 10)
        #expect(reply.closed, "the proxy closes after the request that asked it to")
        let statuses = reply.text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { $0.prefix(3) }
        #expect(statuses == ["200", "200", "200"], "\(reply.text)")
        let first = reply.text.range(of: "first answer")?.lowerBound
        let second = reply.text.range(of: "second answer")?.lowerBound
        let third = reply.text.range(of: "third answer")?.lowerBound
        #expect(first != nil && second != nil && third != nil)
        if let first, let second, let third { #expect(first < second && second < third, "answers out of order") }

        let exchanges = try harness.stopAndRead()
        let bodies = exchanges.map { String(decoding: $0.request.body.bytes, as: UTF8.self) }
        #expect(bodies.sorted() == [one, two, three].sorted(), "bodies recorded as sent, the chunked one de-chunked")
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
