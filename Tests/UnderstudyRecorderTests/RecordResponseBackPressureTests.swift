import Foundation
import Testing
import UnderstudyTestSupport

/// Back pressure on the response side of the direct path: a client that does not read makes the
/// proxy stop reading the upstream (`UpstreamResponseHandler` asks for the next upstream read
/// itself only while the client is writable), instead of taking the whole answer into memory.
@Suite struct RecordResponseBackPressureTests {
    @Test func aClientThatReadsNothingHoldsBackUpstreamReadsThenGetsEveryByte() throws {
        let harness = try RecorderHarness(script: #"{"response": {"content": "unused"}}"#)
        // Non-LLM paths go to the default upstream, here one with a large answer.
        let total = 96 << 20
        let upstream = try LargeResponseUpstream(port: harness.deadPort, total: total)
        let client = try RawConnection(port: harness.proxyPort, receiveBuffer: 64 * 1024)
        client.send("GET /large HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")

        // Without the hold the proxy reads the whole answer as fast as the upstream sends it, and
        // the upstream never stalls. With it, the upstream stalls once the socket buffers on
        // the way are full (a few MB each on loopback, up to tens with the receive buffer's
        // autotuning) and the proxy's small write buffer.
        let taken = try #require(upstream.bytesSentBeforeStall(timeout: 60), "the upstream neither stalled nor finished")
        #expect(taken < 48 << 20, "the proxy read \(taken >> 20) MiB of an answer its client did not read")

        let reply = client.readAllBytes(timeout: 60)
        #expect(reply.closed, "the proxy closes after the answer (the request asked it to)")
        let headEnd = try #require(reply.bytes.firstRange(of: Array("\r\n\r\n".utf8)), "no response head")
        #expect(String(decoding: reply.bytes[..<headEnd.lowerBound], as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        let body = reply.bytes[headEnd.upperBound...]
        #expect(body.count == total, "\(body.count) of \(total) body bytes arrived")
        #expect(body.elementsEqual(LargeResponseUpstream.body(total: total)), "the body arrived changed")
        withExtendedLifetime(upstream) {}
    }
}
