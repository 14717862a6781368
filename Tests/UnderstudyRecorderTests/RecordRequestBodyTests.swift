import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// How `understudy record` takes request bodies: `Expect: 100-continue` (curl sends it for large
/// bodies) and back pressure from a slow upstream.
@Suite(.serialized)
struct RecordRequestBodyTests {
    static let script = #"{"response": {"content": "got it", "tool_calls": []}}"#

    @Test func expectContinueIsAnsweredOnceTheUpstreamTakesTheBody() throws {
        let harness = try RecorderHarness(script: Self.script)
        let content = String(repeating: "a long document line. ", count: 100_000)  // ~2.2 MB
        let body = #"{"model":"m","messages":[{"role":"user","content":"\#(content)"}]}"#
        let bodyFile = harness.directory.appendingPathComponent("body.json")
        try Data(body.utf8).write(to: bodyFile)

        // Without a `100 Continue` curl would wait the whole expect timeout (20 s) before sending
        // the body, and --max-time 15 fails the request.
        let reply = try harness.curl([
            "-v", "--max-time", "15", "--expect100-timeout", "20", "-H", "Expect: 100-continue",
            "-H", "content-type: application/json", "--data-binary", "@\(bodyFile.path)",
            "\(harness.base)/v1/chat/completions",
        ])
        #expect(reply.status == 0, "curl failed: \(reply.stderr.suffix(2000))")
        #expect(reply.stderr.contains("HTTP/1.1 100 Continue"))
        #expect(reply.stdout.contains("got it"))

        // An upstream that cannot be reached is reported before the client sends its body.
        let unreachable = try harness.curl([
            "-v", "--max-time", "15", "--expect100-timeout", "20", "-H", "Expect: 100-continue",
            "--data-binary", "@\(bodyFile.path)", "-w", "%{http_code}", "-o", "/dev/null", "\(harness.base)/upload",
        ])
        #expect(unreachable.stdout == "502", "\(unreachable.stderr.suffix(2000))")
        #expect(!unreachable.stderr.contains("100 Continue"))

        let exchanges = try harness.stopAndRead()
        let recorded = exchanges.first { $0.request.target == "/v1/chat/completions" }
        #expect(recorded?.request.body.bytes == Array(body.utf8), "the body must be recorded byte for byte")
        #expect(recorded?.outcome == .ok)
        let failed = exchanges.first { $0.request.target == "/upload" }
        #expect(failed?.outcome == .upstreamError)
    }

    @Test func anUnknownExpectationIsRefused() throws {
        let harness = try RecorderHarness(script: Self.script)
        let reply = try harness.curl([
            "--max-time", "15", "-H", "Expect: teapot", "-H", "content-type: application/json", "-d", "{}",
            "-w", "%{http_code}", "-o", "/dev/null", "\(harness.base)/v1/chat/completions",
        ])
        #expect(reply.stdout == "417")
        _ = try harness.stopAndRead()
    }

    @Test func aStalledUpstreamStopsTheUploadInsteadOfFillingMemoryAndItResumesOnceItDrains() throws {
        let harness = try RecorderHarness(script: Self.script)
        // The default upstream accepts connections and reads nothing from them until drained.
        let upstream = try PausedUpstream(port: harness.deadPort)
        let client = try RawConnection(port: harness.proxyPort)
        let total = 128 << 20
        client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: \(total)\r\n\r\n")
        let taken = client.sendUntilStalled(total: total, stall: 1.5, timeout: 30)
        // Without back pressure the proxy reads the whole body into memory as fast as it comes.
        // With it, the upload stops once the kernel's socket buffers on both sides are full
        // (a few MB each on loopback) plus the proxy's small pipe.
        #expect(taken < 64 << 20, "the proxy took \(taken >> 20) MiB of a body its upstream never read")
        #expect(taken > 0)

        // The proxy is not stuck: other requests are still served.
        let other = try harness.curl(["-H", "content-type: application/json", "-d", "{}", "\(harness.base)/v1/chat/completions"])
        #expect(other.stdout.contains("got it"))

        // Once the upstream reads, the proxy reads the client again: the rest of the body goes
        // through and the upstream got every byte of it.
        upstream.drain()
        let rest = client.sendUntilStalled(total: total - taken, stall: 10, timeout: 60)
        #expect(rest == total - taken, "the upload stopped at \((taken + rest) >> 20) of \(total >> 20) MiB after the upstream drained")
        let reply = client.read(until: "changed 0", timeout: 20)
        #expect(reply.hasPrefix("HTTP/1.1 200") && reply.hasSuffix("received \(total) changed 0"), "\(reply.prefix(300))")
        withExtendedLifetime(upstream) {}
    }
}
