import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// A client connection that closes takes its upstream connection with it, whether a request was
/// waiting on the upstream or the connection idled between keep-alive requests: the proxy holds
/// no upstream socket (nor, since the upstream connection holds the client's handler strongly,
/// the handler's memory) for a client that is gone. Real sockets end to end.
@Suite struct ClientCloseEndsUpstreamTests {
    /// How long the upstream may wait for the proxy's close: the close is one event-loop turn
    /// after the client's (milliseconds); the margin is for a loaded CI host. Left open, the
    /// socket would stay until the upstream's own timeouts, far beyond this.
    static let closeWithin: TimeInterval = 2
    /// The mock's script: the tests' requests go to the default upstream, never to the mock.
    static let script = #"{"response": {"content": "unused"}}"#

    @Test func aClientThatLeavesWhileTheUpstreamStallsClosesTheUpstreamConnection() throws {
        let harness = try RecorderHarness(script: Self.script)
        // Non-LLM paths go to the default upstream: here one that takes the request and never reads it.
        let upstream = try PausedUpstream(port: harness.deadPort)
        do {
            let client = try RawConnection(port: harness.proxyPort)
            client.send("POST /stall HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
            try withExtendedLifetime(client) {
                guard eventually(within: 10, { upstream.connections >= 1 }) else {
                    throw HarnessError("the proxy never connected to the upstream")
                }
            }
        }
        // The client's socket is closed: the proxy closes the upstream one, unanswered.
        let closed = eventually(within: Self.closeWithin) { upstream.connectionsClosedByProxy >= 1 }
        #expect(closed, "the upstream connection was still open \(Self.closeWithin) s after the client closed")
        let exchanges = try harness.stopAndRead()
        #expect(exchanges.map(\.request.target) == ["/stall"])
        #expect(exchanges.map(\.outcome) == [.clientAborted])
    }

    @Test func aClientThatLeavesAfterAKeepAliveRequestClosesTheIdleUpstreamConnection() throws {
        let harness = try RecorderHarness(script: Self.script)
        let upstream = try KeepAliveUpstream(port: harness.deadPort)
        do {
            let client = try RawConnection(port: harness.proxyPort)
            client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
            let reply = client.read(until: "answer-1-1")
            #expect(reply.hasPrefix("HTTP/1.1 200") && reply.hasSuffix("answer-1-1"), "\(reply)")
        }
        // The answered request left the upstream connection idle for the next one; the client
        // closed instead.
        let closed = eventually(within: Self.closeWithin) { upstream.connectionsClosedByProxy >= 1 }
        #expect(closed, "the idle upstream connection was still open \(Self.closeWithin) s after the client closed")
        #expect(upstream.connections == 1)
        let exchanges = try harness.stopAndRead()
        #expect(exchanges.map(\.request.target) == ["/a"])
        #expect(exchanges.map(\.outcome) == [.ok])
    }
}
