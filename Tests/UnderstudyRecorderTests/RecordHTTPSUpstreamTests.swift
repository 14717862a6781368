import Foundation
import Testing
import UnderstudyArchive
import UnderstudyRecorder
import UnderstudyTestSupport

/// An https upstream on the reverse proxy's direct path, all on loopback: `mock-upstream` serves
/// TLS with a leaf from a test CA, and `record --upstream-ca` is told to trust that CA. Without
/// it the upstream's certificate is refused and the agent gets a 502.
@Suite struct RecordHTTPSUpstreamTests {
    struct Setup {
        let directory: URL
        let caFile: URL
        let mock: BackgroundProcess
        let mockPort: Int
    }

    func startTLSMock(content: String = "over TLS") throws -> Setup {
        let directory = try TestEnvironment.temporaryDirectory("https-upstream")
        let script = directory.appendingPathComponent("script.jsonl")
        try Data(#"{"response": {"content": "\#(content)", "tool_calls": []}}"#.utf8).write(to: script)
        let authority = try CertificateAuthority.create(commonName: "Understudy Test Upstream CA")
        let leaf = try authority.mintLeaf(for: "localhost")
        let caFile = directory.appendingPathComponent("upstream-ca.pem")
        let certFile = directory.appendingPathComponent("cert.pem")
        let keyFile = directory.appendingPathComponent("key.pem")
        try Data(authority.certificatePEM().utf8).write(to: caFile)
        try Data(leaf.chainPEM().utf8).write(to: certFile)
        try Data(leaf.privateKeyPEM.utf8).write(to: keyFile)
        let port = TestEnvironment.freePort()
        let mock = try BackgroundProcess(TestEnvironment.binary, [
            "mock-upstream", "--listen", "127.0.0.1:\(port)", "--script", script.path, "--threads", "1",
            "--tls-cert", certFile.path, "--tls-key", keyFile.path,
        ])
        try BackgroundProcess.waitForPort(port)
        return Setup(directory: directory, caFile: caFile, mock: mock, mockPort: port)
    }

    func startRecord(_ setup: Setup, extra: [String]) throws -> (BackgroundProcess, Int, URL) {
        let port = TestEnvironment.freePort()
        let archive = setup.directory.appendingPathComponent("capture-\(port)")
        let record = try BackgroundProcess(TestEnvironment.binary, [
            "record", "--listen", "127.0.0.1:\(port)", "--upstream", "openai=https://localhost:\(setup.mockPort)",
            "--out", archive.path, "--threads", "1",
        ] + extra, environment: ["XDG_CONFIG_HOME": setup.directory.appendingPathComponent("config").path])
        try BackgroundProcess.waitForPort(port)
        return (record, port, archive)
    }

    func post(port: Int) throws -> ProcessResult {
        try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), [
            "curl", "-s", "--max-time", "20", "-w", "\n%{http_code}", "-H", "content-type: application/json",
            "-H", "authorization: Bearer sk-test-https-upstream-0123456789",
            "-d", #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"#,
            "http://127.0.0.1:\(port)/v1/chat/completions",
        ], timeout: 30)
    }

    @Test func anHTTPSUpstreamTrustedThroughUpstreamCAIsProxiedAndRecorded() throws {
        let setup = try startTLSMock()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let (record, port, archive) = try startRecord(setup, extra: ["--upstream-ca", setup.caFile.path])
        let reply = try post(port: port)
        #expect(reply.stdout.hasSuffix("\n200"), "\(reply.stdout) \(reply.stderr)")
        #expect(reply.stdout.contains("over TLS"))
        #expect(record.stop() == 0, "\(record.log)")
        let exchanges = try ArchiveReader(path: archive).exchanges().exchanges
        #expect(exchanges.count == 1)
        #expect(exchanges.first?.outcome == .ok)
        #expect(exchanges.first?.capture.upstream == "https://localhost:\(setup.mockPort)")
        #expect(exchanges.first?.request.headers.first(named: "authorization")?.hasPrefix("redacted:") == true)
        _ = setup.mock.stop()
    }

    @Test func anUntrustedUpstreamCertificateIsA502NamingTheUpstream() throws {
        let setup = try startTLSMock()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let (record, port, archive) = try startRecord(setup, extra: [])
        let reply = try post(port: port)
        #expect(reply.stdout.hasSuffix("\n502"), "\(reply.stdout) \(reply.stderr)")
        #expect(reply.stdout.contains("upstream openai"), "\(reply.stdout)")
        #expect(record.stop() == 0, "\(record.log)")
        let exchanges = try ArchiveReader(path: archive).exchanges().exchanges
        #expect(exchanges.first?.outcome == .upstreamError)
        _ = setup.mock.stop()
    }

    @Test func twoRequestsOnOneClientConnectionShareTheUpstreamTLSConnectionAndALongStreamArrivesWhole() throws {
        // Over 16 KiB: the streamed answer spans several TLS records.
        let content = (0..<3000).map { "w\($0)" }.joined(separator: " ")
        let setup = try startTLSMock(content: content)
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let (record, port, archive) = try startRecord(setup, extra: ["--upstream-ca", setup.caFile.path])
        let plain = setup.directory.appendingPathComponent("plain.json")
        let streamed = setup.directory.appendingPathComponent("streamed.txt")
        let url = "http://127.0.0.1:\(port)/v1/chat/completions"
        // Connections to the mock before the requests (waiting for its port made one).
        let earlier = LoopbackSockets.peerPorts(of: setup.mockPort)
        let common = ["-s", "--max-time", "20", "-w", "%{http_code} %{num_connects}\n", "-H", "content-type: application/json"]
        // One curl, two requests on one client connection (`--next`; num_connects 1, then 0).
        let reply = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["curl"] + common + [
            "-o", plain.path, "-d", #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"#, url,
            "--next",
        ] + common + [
            "-o", streamed.path, "-d", #"{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}"#, url,
        ], timeout: 30)
        #expect(reply.stdout == "200 1\n200 0\n", "\(reply.stdout) \(reply.stderr)")
        // The proxy opened one connection to the upstream and sent the second request on it: a
        // second connection would show as a second port. (Fewer than one can show: on loopback the
        // kernel may give the new connection the port of an earlier one in TIME_WAIT.)
        let opened = LoopbackSockets.peerPorts(of: setup.mockPort).subtracting(earlier)
        #expect(opened.count <= 1, "connections from the ports \(opened.sorted())")
        #expect(try String(contentsOf: plain, encoding: .utf8).contains(content))
        let stream = try String(contentsOf: streamed, encoding: .utf8)
        #expect(stream.utf8.count > 16 << 10)
        #expect(Self.streamedContent(stream) == content, "the streamed answer arrived changed")
        #expect(record.stop() == 0, "\(record.log)")
        let exchanges = try ArchiveReader(path: archive).exchanges().exchanges
        #expect(exchanges.count == 2)
        #expect(exchanges.allSatisfy { $0.outcome == .ok })
        _ = setup.mock.stop()
    }

    /// The text of an OpenAI chat completion event stream: its deltas' content, in order.
    static func streamedContent(_ stream: String) -> String {
        stream.split(separator: "\n")
            .filter { $0.hasPrefix("data: {") }
            .compactMap { line -> String? in
                let event = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any]
                let choice = (event?["choices"] as? [[String: Any]])?.first
                return (choice?["delta"] as? [String: Any])?["content"] as? String
            }
            .joined()
    }
}
