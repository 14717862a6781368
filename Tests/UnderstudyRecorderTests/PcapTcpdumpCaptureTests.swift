import Foundation
import Testing
import UnderstudyArchive
import UnderstudyRecorder
import UnderstudyTestSupport

/// Real captures: tcpdump on loopback while curl talks to `understudy record` in front of
/// `understudy mock-upstream`. The pcap import must produce the records the proxy wrote.
struct PcapTcpdumpCaptureTests {
    static let tcpdump = ["/usr/bin/tcpdump", "/usr/sbin/tcpdump"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let canCapture = tcpdump != nil && geteuid() == 0
    static let redactionKey = String(repeating: "5a", count: 32)

    /// A scratch directory with a mock script and a settings file holding a fixed redaction key.
    struct Scene {
        let directory: URL
        let script: URL
        let config: URL

        init() throws {
            directory = try TestEnvironment.temporaryDirectory("pcap-tcpdump")
            script = directory.appendingPathComponent("script.jsonl")
            try Data(
                (#"{"match":{"path":"/v1/chat/completions","last_user":"stream please"},"response":{"content":"streamed answer from the mock"},"usage":{"input_tokens":9,"output_tokens":5}}"#
                    + "\n"
                    + #"{"match":{"path":"/v1/chat/completions"},"response":{"content":"plain answer"},"usage":{"input_tokens":7,"output_tokens":2}}"#
                    + "\n").utf8
            ).write(to: script)
            config = directory.appendingPathComponent("understudy.toml")
            try Data("[redaction]\nkey = \"\(PcapTcpdumpCaptureTests.redactionKey)\"\n".utf8).write(to: config)
        }

        func startMock() throws -> (BackgroundProcess, Int) {
            let port = TestEnvironment.freePort()
            let mock = try BackgroundProcess(
                TestEnvironment.binary, ["mock-upstream", "--listen", "127.0.0.1:\(port)", "--script", script.path])
            try BackgroundProcess.waitForPort(port)
            return (mock, port)
        }
    }

    static func requireBinary() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: TestEnvironment.binary.path),
            "the understudy binary is missing: run `swift build --product understudy` (tools/test builds it)")
    }

    /// Starts tcpdump on lo and waits until it is listening.
    static func startTcpdump(port: Int, file: URL) throws -> BackgroundProcess {
        let process = try BackgroundProcess(
            URL(fileURLWithPath: tcpdump!), ["-i", "lo", "-U", "-s", "0", "-w", file.path, "tcp port \(port)"])
        let deadline = Date().addingTimeInterval(10)
        while !process.log.contains("listening on") {
            guard Date() < deadline, process.process.isRunning else {
                Issue.record("tcpdump did not start: \(process.log)")
                throw CancellationError()
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return process
    }

    /// Waits until tcpdump has written the packets: on a loaded machine it may not have read its
    /// ring buffer yet, and SIGKILL would lose what it has not read. The file must hold more than
    /// the pcap header and stop growing for a second (at most 15 s).
    static func waitUntilStable(_ file: URL) {
        let deadline = Date().addingTimeInterval(15)
        var last = -1
        var stableSince = Date()
        while Date() < deadline {
            let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            if size != last {
                last = size
                stableSince = Date()
            } else if size > 24, Date().timeIntervalSince(stableSince) >= 1 {
                return
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    static func chat(_ text: String, stream: Bool) -> String {
        #"{"model":"gpt-4o-mini","stream":\#(stream),"messages":[{"role":"user","content":"\#(text)"}]}"#
    }

    /// Three calls on one keep-alive connection (curl --next reuses it), the last one streamed.
    static func runCurl(port: Int) throws {
        let url = "http://127.0.0.1:\(port)/v1/chat/completions"
        var arguments = ["-sS", "--http1.1", "-o", "/dev/null"]
        for (index, body) in [chat("hello", stream: false), chat("again", stream: false), chat("stream please", stream: true)]
            .enumerated()
        {
            if index > 0 { arguments += ["--next", "-sS", "--http1.1", "-o", "/dev/null"] }
            arguments += [url, "-H", "Authorization: Bearer sk-live-secret", "-H", "Content-Type: application/json", "-d", body]
        }
        let result = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/curl"), arguments)
        try #require(result.status == 0, "curl failed: \(result.stderr)")
    }

    static func records(_ directory: URL) throws -> [Exchange] {
        let result = try ProcessRunner.understudy(["archive", "cat", directory.path])
        try #require(result.status == 0, "archive cat failed: \(result.stderr)")
        return try result.stdout.split(separator: "\n").map { try Exchange(jsonLine: Array($0.utf8)) }
            .sorted { $0.timing.startMicros < $1.timing.startMicros }
    }

    @Test(.enabled(if: canCapture, "tcpdump is missing or the tests do not run as root: cannot capture on lo"))
    func importsATcpdumpCaptureAsTheReverseProxyRecordedIt() throws {
        try Self.requireBinary()
        let scene = try Scene()
        defer { try? FileManager.default.removeItem(at: scene.directory) }
        let (mock, mockPort) = try scene.startMock()
        defer { mock.stop() }
        let proxyPort = TestEnvironment.freePort()
        let recorded = scene.directory.appendingPathComponent("recorded")
        let proxy = try BackgroundProcess(
            TestEnvironment.binary,
            ["record", "--listen", "127.0.0.1:\(proxyPort)", "--upstream", "openai=http://127.0.0.1:\(mockPort)",
             "--out", recorded.path, "--config", scene.config.path])
        try BackgroundProcess.waitForPort(proxyPort)
        let pcap = scene.directory.appendingPathComponent("lo.pcap")
        let tcpdump = try Self.startTcpdump(port: proxyPort, file: pcap)
        try Self.runCurl(port: proxyPort)
        Self.waitUntilStable(pcap)
        // -U wrote every packet already. SIGKILL, because a child of the test runner inherits
        // its blocked signal mask and would ignore SIGINT/SIGTERM.
        tcpdump.stop(signal: SIGKILL)
        proxy.stop(signal: SIGTERM)

        let imported = scene.directory.appendingPathComponent("imported")
        let result = try ProcessRunner.understudy(
            ["import-pcap", pcap.path, "--out", imported.path, "--port", "\(proxyPort)", "--json", "--config", scene.config.path])
        try #require(result.status == 0, "import-pcap failed: \(result.stderr)")
        let summary = try JSONValue(parsing: Array(result.stdout.utf8))
        #expect(summary["exchanges"]?.intValue == 3)
        #expect(summary["incomplete"]?.intValue == 0)
        #expect(summary["lost_sync"]?.intValue == 0)
        #expect(summary["orphan_responses"]?.intValue == 0)

        let fromProxy = try Self.records(recorded)
        let fromPcap = try Self.records(imported)
        try #require(fromProxy.count == 3 && fromPcap.count == 3)
        for (proxied, captured) in zip(fromProxy, fromPcap) {
            #expect(captured.capture.mode == .pcap)
            #expect(captured.request.method == proxied.request.method)
            #expect(captured.request.target == proxied.request.target)
            #expect(captured.request.body == proxied.request.body)
            #expect(captured.request.headers.first(named: "authorization") == proxied.request.headers.first(named: "authorization"))
            #expect(captured.response?.status == proxied.response?.status)
            #expect(captured.response?.body == proxied.response?.body)
            #expect(captured.response?.sse?.map(\.data) == proxied.response?.sse?.map(\.data))
            #expect(captured.llm == proxied.llm)
            #expect(captured.outcome == .ok && captured.error == nil)
        }
        #expect(fromPcap.last?.response?.sse?.isEmpty == false)
        let line = try String(contentsOf: pcap, encoding: .isoLatin1)
        #expect(line.contains("sk-live-secret"))  // the secret was on the wire…
        let archived = try ProcessRunner.understudy(["archive", "cat", imported.path]).stdout
        #expect(!archived.contains("sk-live-secret"))  // …and never reached the archive
    }

    @Test(.enabled(if: geteuid() == 0, "live capture needs root or CAP_NET_RAW"))
    func liveCaptureRecordsExchangesOnLoopback() throws {
        try Self.requireBinary()
        let scene = try Scene()
        defer { try? FileManager.default.removeItem(at: scene.directory) }
        let (mock, mockPort) = try scene.startMock()
        defer { mock.stop() }
        final class Box: @unchecked Sendable {
            let lock = NSLock()
            var items: [Exchange] = []
        }
        let box = Box()
        let capture = try LivePcapCapture(
            interface: "lo", filter: "tcp port \(mockPort)",
            redactor: HeaderRedactor(key: RedactionKey(bytes: Array(repeating: 3, count: 32))))
        capture.start { exchange in
            box.lock.lock()
            box.items.append(exchange)
            box.lock.unlock()
        }
        Thread.sleep(forTimeInterval: 0.3)
        try Self.runCurl(port: mockPort)
        // The capture thread wakes every 100 ms; on a loaded machine give it up to 10 s.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            box.lock.lock()
            let seen = box.items.count
            box.lock.unlock()
            if seen >= 3 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let summary = capture.stop()
        #expect(summary.exchanges == 3)
        box.lock.lock()
        let items = box.items
        box.lock.unlock()
        #expect(items.count == 3)
        #expect(items.allSatisfy { $0.capture.mode == .pcap && $0.response?.status == 200 && $0.error == nil })
        #expect(items.last?.response?.sse?.last?.data == "[DONE]")
        #expect(items.first?.llm?.model == "gpt-4o-mini")
    }

    @Test(.enabled(if: geteuid() == 0, "live capture needs root or CAP_NET_RAW"))
    func liveCaptureExplainsABadInterfaceAndFilter() {
        let redactor = HeaderRedactor(key: RedactionKey(bytes: Array(repeating: 3, count: 32)))
        #expect {
            try LivePcapCapture(interface: "no-such-if0", filter: nil, redactor: redactor)
        } throws: { String(describing: $0).contains("no-such-if0") }
        #expect {
            try LivePcapCapture(interface: "lo", filter: "tcp port banana", redactor: redactor)
        } throws: { String(describing: $0).contains("tcp port banana") }
    }
}
