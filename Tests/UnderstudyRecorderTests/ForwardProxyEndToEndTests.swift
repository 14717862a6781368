import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// `understudy record --forward` as agents that keep their real base URLs see it: the openai and
/// anthropic SDKs through HTTPS_PROXY, trusting the CA by SSL_CERT_FILE, are recorded exactly as
/// in reverse mode (capture mode `forward`); other hosts are tunnelled blind or refused; private
/// destinations and untrusting clients get nowhere, and nothing of theirs is recorded.
@Suite(.serialized)
struct ForwardProxyEndToEndTests {
    static var driver: URL { TestEnvironment.repositoryRoot.appendingPathComponent("tools/e2e/forward_clients.py") }

    @Test func sdkClientsThroughHTTPSProxyAreRecordedAsInReverseMode() throws {
        let python = TestEnvironment.python
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            Issue.record("missing \(python.path): run tools/setup")
            return
        }
        let harness = try ForwardHarness(script: RecordCommandEndToEndTests.script)
        let run = try ProcessRunner.run(python, [Self.driver.path, "sdk"], environment: harness.clientEnvironment)
        #expect(run.status == 0, "driver failed: \(run.stderr)\n\(harness.recorder?.log ?? "")")
        let lines = run.stdout.split(separator: "\n").compactMap { try? JSONValue(parsing: Array($0.utf8)) }
        #expect(lines.count == 16)

        // Plain HTTP in absolute form is recorded too (pinned to the plain mock).
        let plain = try harness.curl([
            "-x", harness.proxy, "-H", "content-type: application/json", "http://api.openai.com/v1/chat/completions",
            "-d", #"{"model":"m","messages":[{"role":"user","content":"[scenario:plain_http]"}]}"#,
        ])
        #expect(plain.stdout.contains("chat.completion"), "plain HTTP: \(plain.stdout) \(plain.stderr)")

        let exchanges = try harness.stopAndRead()
        #expect(exchanges.count == lines.count + 1)
        #expect(exchanges.allSatisfy { $0.capture.mode == .forward })
        for line in lines {
            let name = line["name"]?.stringValue ?? "?"
            let marker = Array((line["marker"]?.stringValue ?? "?").utf8)
            let matching = exchanges.filter { $0.request.body.bytes.contains(subsequence: marker) }
            #expect(matching.count == 1, "\(name): \(matching.count) records")
            guard let exchange = matching.first, let response = exchange.response else { continue }
            let host = line["provider"]?.stringValue == "anthropic" ? "api.anthropic.com" : "api.openai.com"
            #expect(exchange.capture.upstream == "https://\(host):\(harness.tlsMockPort)", "\(name)")
            if line["default_client"] == nil {
                RecordCommandEndToEndTests.expectRecordedAsSent(exchange, response, line: line, name: name)
            }
            if let error = line["error"], !error.isNull {
                #expect(exchange.outcome == .upstreamError, "\(name)")
                continue
            }
            #expect(exchange.outcome == .ok, "\(name): \(exchange.error ?? "")")
            let api = exchange.llm?.api ?? "?"
            let recorded = RecordCommandEndToEndTests.projection(exchange.llm?.assembled, api: api)
            let sdk = RecordCommandEndToEndTests.projection(line["sdk"], api: api)
            #expect(
                recorded != nil && recorded == sdk,
                "\(name) (\(api)): archive \(recorded?.serialized() ?? "nil") vs SDK \(sdk?.serialized() ?? "nil")")
        }
        let plainRecord = exchanges.first {
            $0.request.body.bytes.contains(subsequence: Array("[scenario:plain_http]".utf8))
        }
        #expect(plainRecord?.capture.upstream == "http://api.openai.com:\(harness.plainMockPort)")
        #expect(plainRecord?.request.target == "/v1/chat/completions")
        #expect(plainRecord?.llm?.api == "chat.completions")

        // Credentials are fingerprinted, never stored or logged.
        let log = harness.recorder?.log ?? ""
        for exchange in exchanges {
            let credential =
                exchange.request.headers.first(named: "authorization")
                ?? exchange.request.headers.first(named: "x-api-key")
            #expect(credential?.hasPrefix("redacted:") ?? true)
        }
        #expect(!log.contains("sk-test-OPENAI-secret") && !log.contains("sk-ant-test-ANTHROPIC-secret"))
        #expect(!log.contains("PRIVATE KEY"))
    }

    @Test func otherHostsAreTunnelledBlindPrivateAndUntrustingClientsGetNothing() throws {
        let harness = try ForwardHarness(script: RecordCommandEndToEndTests.script)
        let body = #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#
        // Tunnel: the client sees the real upstream's certificate (from the test upstream CA), so
        // the proxy did not terminate TLS.
        let tunnelled = try harness.curl([
            "-x", harness.proxy, "--cacert", harness.upstreamCA.path, "-H", "content-type: application/json",
            "https://tunnel.test/v1/chat/completions", "-d", body,
        ])
        #expect(tunnelled.status == 0 && tunnelled.stdout.contains("chat.completion"), "tunnel: \(tunnelled.stderr)")

        // Loopback and private destinations are refused before any connection is made.
        for target in [
            "https://127.0.0.1:\(harness.tlsMockPort)/", "https://localhost:\(harness.tlsMockPort)/",
            "https://10.1.2.3/", "http://127.0.0.1:\(harness.plainMockPort)/v1/models",
        ] {
            let refused = try harness.curl([
                "-x", harness.proxy, "-o", "/dev/null", "-w", "%{http_connect} %{http_code}", target,
            ])
            #expect(refused.stdout.contains("403"), "\(target): \(refused.stdout) \(refused.stderr)")
        }

        // A client that does not trust Understudy's CA fails the handshake.
        let untrusting = try harness.curl([
            "-x", harness.proxy, "--cacert", harness.upstreamCA.path, "https://api.openai.com/v1/chat/completions",
            "-d", body,
        ])
        #expect(untrusting.status == 60, "curl exit \(untrusting.status): \(untrusting.stderr)")

        // The leaf minted for a host is reused across connections, short-lived, and per host.
        let python = TestEnvironment.python
        if FileManager.default.isExecutableFile(atPath: python.path) {
            func leaf(_ host: String) throws -> JSONValue? {
                let run = try ProcessRunner.run(
                    python, [Self.driver.path, "leaf", host], environment: harness.clientEnvironment)
                #expect(run.status == 0, "leaf \(host): \(run.stderr)")
                return try? JSONValue(parsing: Array(run.stdout.utf8))
            }
            let first = try leaf("api.openai.com")
            let second = try leaf("api.openai.com")
            let other = try leaf("api.anthropic.com")
            #expect(first?["connect_status"]?.intValue == 200)
            #expect(first?["sha256"] != nil && first?["sha256"] == second?["sha256"])
            #expect(other?["sha256"] != first?["sha256"])
            let expiry = first?["not_after"]?.doubleValue ?? 0
            #expect(expiry > Date().timeIntervalSince1970 && expiry < Date().timeIntervalSince1970 + 25 * 3600)
        }

        let exchanges = try harness.stopAndRead()
        #expect(exchanges.isEmpty, "recorded \(exchanges.map(\.request.target))")
        let log = harness.recorder?.log ?? ""
        #expect(log.contains("TLS handshake with the client failed"))
        #expect(log.contains("refused"))
    }

    @Test func refusePolicyFromUnderstudyTomlAnswers403ToHostsOffTheAllowlist() throws {
        let config = try TestEnvironment.temporaryDirectory("forward-toml").appendingPathComponent("understudy.toml")
        defer { try? FileManager.default.removeItem(at: config.deletingLastPathComponent()) }
        try Data("[record]\nforward = true\nforward_policy = \"refuse\"\n".utf8).write(to: config)
        let harness = try ForwardHarness(
            script: RecordCommandEndToEndTests.script, recordArguments: ["--config", config.path])
        let refused = try harness.curl([
            "-x", harness.proxy, "--cacert", harness.upstreamCA.path, "-o", "/dev/null", "-w", "%{http_connect}",
            "https://tunnel.test/v1/models",
        ])
        #expect(refused.stdout == "403", "\(refused.stdout) \(refused.stderr)")
        // Allowlisted hosts are still intercepted.
        let intercepted = try harness.curl([
            "-x", harness.proxy, "--cacert", harness.proxyCA.path, "-H", "content-type: application/json",
            "https://api.openai.com/v1/chat/completions", "-d",
            #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#,
        ])
        #expect(intercepted.stdout.contains("chat.completion"), "\(intercepted.stderr)")
        let exchanges = try harness.stopAndRead()
        #expect(exchanges.count == 1)
        #expect(exchanges.first?.capture.mode == .forward)
    }

    @Test func forwardWithoutCAOrOptionsWithoutForwardAreExplained() throws {
        let empty = try TestEnvironment.temporaryDirectory("forward-noca")
        defer { try? FileManager.default.removeItem(at: empty) }
        let port = TestEnvironment.freePort()
        let noCA = try ProcessRunner.understudy([
            "record", "--forward", "--listen", "127.0.0.1:\(port)", "--config-dir", empty.path,
            "--out", empty.appendingPathComponent("capture").path,
        ])
        #expect(noCA.status == 1)
        #expect(noCA.stderr.contains("understudy ca init"), "\(noCA.stderr)")
        let stray = try ProcessRunner.understudy([
            "record", "--forward-policy", "refuse", "--upstream", "openai=http://127.0.0.1:\(port)",
            "--listen", "127.0.0.1:\(port)", "--out", empty.appendingPathComponent("capture").path,
        ])
        #expect(stray.status == 2)
        #expect(stray.stderr.contains("need --forward"), "\(stray.stderr)")
    }

    @Test func upstreamWhoseCertificateIsNotTrustedIsNotReached() throws {
        // Without --forward-upstream-ca the mock's certificate chains to nothing in the system store.
        let harness = try ForwardHarness(script: RecordCommandEndToEndTests.script, trustUpstreamCA: false)
        let answer = try harness.curl([
            "-x", harness.proxy, "--cacert", harness.proxyCA.path, "-H", "content-type: application/json",
            "-w", "\n%{http_code}", "https://api.openai.com/v1/chat/completions",
            "-d", #"{"model":"m","messages":[{"role":"user","content":"[scenario:untrusted_upstream]"}]}"#,
        ])
        #expect(answer.stdout.hasSuffix("502"), "\(answer.stdout) \(answer.stderr)")
        #expect(!answer.stdout.contains("chat.completion"))
        let exchanges = try harness.stopAndRead()
        #expect(exchanges.count == 1)
        #expect(exchanges.first?.outcome == .upstreamError)
        #expect(exchanges.first?.capture.mode == .forward)
    }
}
