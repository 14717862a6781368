import Foundation
import Testing
import UnderstudyArchive
import UnderstudyRecorder
import UnderstudyTestSupport

/// Starts `understudy record --forward` (the real binary) with its own CA, in front of
/// `mock-upstream --tls` whose certificate comes from a separate test CA that only the proxy
/// trusts (`--forward-upstream-ca`), plus a plain-HTTP mock. The provider host names and
/// `tunnel.test` are pinned to the loopback mocks with `--forward-resolve`.
final class ForwardHarness {
    let directory: URL
    let tlsMockPort = TestEnvironment.freePort()
    let plainMockPort = TestEnvironment.freePort()
    let proxyPort = TestEnvironment.freePort()
    var mocks: [BackgroundProcess] = []
    var recorder: BackgroundProcess?
    var archive: URL { directory.appendingPathComponent("capture") }
    var proxy: String { "http://127.0.0.1:\(proxyPort)" }
    /// The interception CA clients must trust.
    var proxyCA: URL { directory.appendingPathComponent("config/ca.pem") }
    /// The CA of the mock upstream's certificate (trusted by the proxy, not by clients).
    var upstreamCA: URL { directory.appendingPathComponent("upstream-ca.pem") }

    init(script: String, recordArguments: [String] = [], trustUpstreamCA: Bool = true) throws {
        let binary = TestEnvironment.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw HarnessError(
                "the understudy binary is missing at \(binary.path): run `swift build --product understudy`")
        }
        directory = try TestEnvironment.temporaryDirectory("forward-e2e")
        let scriptURL = directory.appendingPathComponent("script.jsonl")
        try Data(script.utf8).write(to: scriptURL)

        let upstreamAuthority = try CertificateAuthority.create(commonName: "Understudy Test Upstream CA")
        let mockLeaf = try upstreamAuthority.mintLeaf(
            for: "api.openai.com", alsoFor: ["api.anthropic.com", "tunnel.test"])
        try Data(upstreamAuthority.certificatePEM().utf8).write(to: upstreamCA)
        let certURL = directory.appendingPathComponent("mock-cert.pem")
        let keyURL = directory.appendingPathComponent("mock-key.pem")
        try Data(mockLeaf.chainPEM().utf8).write(to: certURL)
        try Data(mockLeaf.privateKeyPEM.utf8).write(to: keyURL)

        let configDir = directory.appendingPathComponent("config")
        let initCA = try ProcessRunner.understudy(["ca", "init", "--config-dir", configDir.path])
        guard initCA.status == 0 else { throw HarnessError("ca init failed: \(initCA.stderr)") }

        mocks.append(
            try BackgroundProcess(
                binary,
                [
                    "mock-upstream", "--listen", "127.0.0.1:\(tlsMockPort)", "--script", scriptURL.path, "--threads",
                    "1",
                    "--tls-cert", certURL.path, "--tls-key", keyURL.path,
                ]))
        mocks.append(
            try BackgroundProcess(
                binary,
                [
                    "mock-upstream", "--listen", "127.0.0.1:\(plainMockPort)", "--script", scriptURL.path, "--threads",
                    "1",
                ]))
        recorder = try BackgroundProcess(
            binary,
            [
                "record", "--listen", "127.0.0.1:\(proxyPort)", "--forward", "--config-dir", configDir.path,
                "--forward-resolve", "api.openai.com:443=127.0.0.1:\(tlsMockPort)",
                "--forward-resolve", "api.anthropic.com:443=127.0.0.1:\(tlsMockPort)",
                "--forward-resolve", "tunnel.test:443=127.0.0.1:\(tlsMockPort)",
                "--forward-resolve", "api.openai.com:80=127.0.0.1:\(plainMockPort)",
                "--out", archive.path, "--threads", "1",
            ] + (trustUpstreamCA ? ["--forward-upstream-ca", upstreamCA.path] : []) + recordArguments,
            environment: ["XDG_CONFIG_HOME": configDir.path])
        try BackgroundProcess.waitForPort(tlsMockPort)
        try BackgroundProcess.waitForPort(plainMockPort)
        try BackgroundProcess.waitForPort(proxyPort)
    }

    /// The environment of an agent using the proxy and trusting its CA.
    var clientEnvironment: [String: String] {
        [
            "HTTPS_PROXY": proxy, "HTTP_PROXY": proxy, "https_proxy": proxy, "http_proxy": proxy,
            "NO_PROXY": "", "no_proxy": "", "ALL_PROXY": "", "SSL_CERT_FILE": proxyCA.path,
        ]
    }

    /// Stops the recorder with SIGTERM and reads the archive.
    func stopAndRead() throws -> [Exchange] {
        let status = recorder?.stop() ?? -1
        #expect(status == 0, "record exited with \(status): \(recorder?.log ?? "")")
        let segments = (try? FileManager.default.contentsOfDirectory(atPath: archive.path)) ?? []
        guard segments.contains(where: { $0.hasSuffix(".jsonl.zst") }) else { return [] }
        return try ArchiveReader(path: archive).exchanges().exchanges
    }

    /// curl with a 10 s ceiling; `-w` output ends up in stdout.
    func curl(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["curl", "-s", "-S", "-m", "10"] + arguments)
    }

    deinit {
        recorder?.stop(signal: SIGKILL)
        for mock in mocks { mock.stop() }
        try? FileManager.default.removeItem(at: directory)
    }
}
