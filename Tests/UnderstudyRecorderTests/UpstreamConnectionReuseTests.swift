import Foundation
import Testing
import UnderstudyArchive

/// The direct upstream path: a client connection keeps one upstream connection across its
/// requests, and a request that meets an upstream connection closed under it is sent again.
@Suite struct UpstreamConnectionReuseTests {
    @Test func oneUpstreamConnectionPerClientConnectionAndARetryWhenTheUpstreamClosedIt() throws {
        let harness = try RecorderHarness(script: #"{"response": {"content": "unused"}}"#)
        // Non-LLM paths go to the default upstream, here the keep-alive upstream.
        let upstream = try KeepAliveUpstream(port: harness.deadPort)
        // One curl, three requests on one client connection (num_connects 1, 0, 0).
        let reply = try harness.curl([
            "--max-time", "20", "-w", " %{http_code} %{num_connects}\n",
            "\(harness.base)/a", "\(harness.base)/b", "\(harness.base)/c",
        ])
        // The second request met the first upstream connection closed without an answer: sent
        // again on a fresh one, not a 502; the third reused that second connection.
        #expect(reply.stdout.split(separator: "\n") == ["answer-1-1 200 1", "answer-2-1 200 0", "answer-2-2 200 0"],
                "\(reply.stdout) \(reply.stderr)")
        #expect(upstream.connections == 2)
        let exchanges = try harness.stopAndRead()
        #expect(exchanges.map(\.request.target).sorted() == ["/a", "/b", "/c"])
        #expect(exchanges.allSatisfy { $0.outcome == .ok })
    }
}
