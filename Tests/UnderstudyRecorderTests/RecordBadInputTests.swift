import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// Bad input to `understudy record`: each gets its answer without disturbing other connections.
/// Settings come from an understudy.toml, so this also checks that the file is honoured.
@Suite(.serialized)
struct RecordBadInputTests {
    static let config = """
        [record]
        header_timeout_s = 1
        max_header_kb = 8
        body_limit_mb = 0.001   # 1 KiB: larger bodies are recorded truncated

        [redaction]
        headers = ["x-team-token"]
        """

    @Test func badRequestsAreAnsweredAndTheProxyKeepsServing() throws {
        let harness = try RecorderHarness(
            script: #"{"response": {"content": "fine", "tool_calls": []}}"#, config: Self.config)

        // A slow client starts its headers and stalls; it must not block anyone else.
        let slow = try RawConnection(port: harness.proxyPort)
        slow.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n")

        let malformed = try RawConnection(port: harness.proxyPort)
        malformed.send("THIS IS NOT HTTP\r\n\r\n")
        let malformedReply = malformed.readAll()
        #expect(malformedReply.text.hasPrefix("HTTP/1.1 400"))
        #expect(malformedReply.closed)

        let huge = try RawConnection(port: harness.proxyPort)
        huge.send("GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 16 * 1024))\r\n\r\n")
        let hugeReply = huge.readAll()
        #expect(hugeReply.text.hasPrefix("HTTP/1.1 431"))
        #expect(hugeReply.closed)

        // Meanwhile a normal request works, with a non-JSON body on a JSON route and a secret header.
        let ok = try harness.curl([
            "-i", "-H", "content-type: application/json", "-H", "x-team-token: team-SECRET-42",
            "\(harness.base)/v1/chat/completions", "-d", "this is not json",
        ])
        #expect(ok.stdout.hasPrefix("HTTP/1.1 200"), "\(ok.stdout)")

        // A body over the recording limit is proxied whole and recorded truncated.
        let big = #"{"model":"m","messages":[{"role":"user","content":""# + String(repeating: "z", count: 4000) + #""}]}"#
        let bigReply = try harness.curl(["-H", "Expect:", "-H", "content-type: application/json", "\(harness.base)/v1/chat/completions", "-d", big])
        #expect(bigReply.stdout.contains("fine"))

        let slowReply = slow.readAll(timeout: 4)
        #expect(slowReply.closed, "the stalled connection must be closed by the header timeout")

        let exchanges = try harness.stopAndRead()
        #expect(exchanges.count == 2, "\(harness.recorderLogTail)")
        let raw = exchanges.first { $0.request.body.bytes == Array("this is not json".utf8) }
        #expect(raw != nil)
        #expect(raw?.error?.contains("not JSON") == true)
        #expect(raw?.request.headers.first(named: "x-team-token")?.hasPrefix("redacted:") == true)
        let truncated = exchanges.first { $0.request.body.truncated }
        #expect(truncated?.request.body.bytes.count == 1048)
        #expect(!(try harness.archiveText()).contains("team-SECRET-42"))
    }

    /// Raw mode's idle timeout (`idle_timeout_s`, armed by `ConnectionDeadlines` when a response
    /// completes): a keep-alive connection serves a second request while idle for less, and is
    /// closed by the proxy once idle for longer.
    @Test func anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws {
        let harness = try RecorderHarness(
            script: #"{"response": {"content": "fine", "tool_calls": []}}"#,
            config: "[record]\nidle_timeout_s = 3\n")
        let body = #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#
        let request = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
            + "content-length: \(body.utf8.count)\r\n\r\n" + body
        let connection = try RawConnection(port: harness.proxyPort)
        connection.send(request)
        #expect(connection.read(until: "fine").hasPrefix("HTTP/1.1 200"))

        // Idle for a quarter of the timeout: still open. (A quarter, not a half: a loaded machine may
        // pause this test between the answer and the next send.)
        Thread.sleep(forTimeInterval: 0.75)
        // The idle clock starts when the answer below completes, so no earlier than this send: the
        // time from here to the close is at least the timeout, however late this test reads.
        let sent = Date()
        connection.send(request)
        #expect(connection.read(until: "fine").hasPrefix("HTTP/1.1 200"), "the second request on the connection")

        let after = connection.readAll(timeout: 15)
        let idle = Date().timeIntervalSince(sent)
        #expect(after.closed, "the idle connection must be closed by the idle timeout")
        // Well under the default 120 s: the configured timeout closed it.
        #expect(idle >= 2.9 && idle < 15, "closed after \(idle) s idle, the timeout is 3 s")
        #expect(try harness.stopAndRead().count == 2)
    }
}
