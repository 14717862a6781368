import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// An HTTP/1.0 client that asks for keep-alive keeps its connection when the answer has a length:
/// the proxy says `connection: keep-alive` and serves the next request on it. Whether the answer
/// has a length is a look for its `Content-Length` field in any case (the test upstream writes
/// `Content-Length`); without one (a chunked upstream answer) an HTTP/1.0 answer ends by closing,
/// and the proxy must not promise keep-alive. Real sockets end to end.
@Suite struct RecordHTTP10KeepAliveTests {
    /// The mock's script: the requests go to the default upstream, never to the mock.
    static let script = #"{"response": {"content": "unused"}}"#

    @Test func anHTTP10KeepAliveClientGetsAnAnswerWithALengthAndKeepsItsConnection() throws {
        let harness = try RecorderHarness(script: Self.script)
        let upstream = try KeepAliveUpstream(port: harness.deadPort)
        let client = try RawConnection(port: harness.proxyPort)
        client.send("GET /a HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
        let first = client.read(until: "answer-1-1")
        #expect(first.hasPrefix("HTTP/1.0 200") && first.hasSuffix("answer-1-1"), "\(first)")
        #expect(first.lowercased().contains("\r\nconnection: keep-alive\r\n"), "\(first)")
        // The same connection takes the next request (the upstream's second answer comes on a new
        // upstream connection: `KeepAliveUpstream` closes its first one at its second request).
        client.send("GET /b HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
        let second = client.read(until: "answer-2-1")
        #expect(second.hasPrefix("HTTP/1.0 200") && second.hasSuffix("answer-2-1"), "\(second)")
        withExtendedLifetime(upstream) {}
        let exchanges = try harness.stopAndRead()
        #expect(exchanges.map(\.request.target) == ["/a", "/b"])
        #expect(exchanges.map(\.outcome) == [.ok, .ok])
    }

    @Test func anHTTP10KeepAliveClientGetsAnAnswerWithoutALengthAndTheConnectionCloses() throws {
        let harness = try RecorderHarness(script: Self.script)
        // `/stream` answers chunked, without `Content-Length`, its last events once released.
        let upstream = try ChunkedUpstream(port: harness.deadPort)
        let client = try RawConnection(port: harness.proxyPort)
        client.send("GET /stream HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
        upstream.release()
        let reply = client.readAll()
        #expect(reply.text.hasPrefix("HTTP/1.0 200"), "\(reply.text.prefix(300))")
        #expect(!reply.text.lowercased().contains("connection: keep-alive"), "\(reply.text.prefix(300))")
        #expect(reply.closed, "the connection stayed open after an answer without a length")
        // The close ends the body: it arrives whole and unframed (HTTP/1.0 has no chunks).
        #expect(reply.text.hasSuffix("\r\n\r\n" + ChunkedUpstream.body), "\(reply.text.suffix(200))")
        let exchanges = try harness.stopAndRead()
        #expect(exchanges.map(\.request.target) == ["/stream"])
        #expect(exchanges.map(\.outcome) == [.ok])
    }
}
