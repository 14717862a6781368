import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// Security promises checked end to end on the real binary: credentials planted in headers,
/// query strings and bodies never reach the archive's credential fields, the recorder's log or
/// a distillation run's datasets; what the recorder and distiller write is owner-only.
@Suite(.serialized)
struct HardeningSecurityTests {
    static let headerSecrets = [
        "sk-proj-PLANTEDHEADERabcdefghijklmnop0123", "sk-ant-PLANTEDXAPIKEYabcdefghijklmn4567",
        "PLANTEDAZUREKEYabcdefghijklmnop89", "PLANTEDCOOKIEabcdefghijkl0123", "PLANTEDCUSTOMHEADERabcdefghijkl45",
        "AIzaPLANTEDQUERYabcdefghijklmnopqrstuvwxyz012",
    ]
    static let bodySecrets = ["AKIAPLANTEDBODY12345", "sk-proj-PLANTEDBODYabcdefghijklmnopqrstu6789"]

    static func permissions(_ url: URL) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int) ?? nil
    }

    @Test func plantedCredentialsNeverReachArchiveLogsOrDatasets() throws {
        let script = #"{"response": {"content": "Noted, I will check the weather.", "tool_calls": []}}"#
        let harness = try RecorderHarness(script: script, config: "[redaction]\nheaders = [\"x-planted-token\"]\n")
        let h = Self.headerSecrets
        let cities = ["Paris", "Rome", "Oslo", "Lima", "Kyiv", "Cairo", "Quito", "Hanoi", "Dakar", "Perth", "Porto", "Bern"]
        for (n, city) in cities.enumerated() {
            let body = """
                {"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a weather agent."},\
                {"role":"user","content":"What is the weather in \(city) today? My AWS key is \(Self.bodySecrets[0]) and \
                the backup key is \(Self.bodySecrets[1]), please keep them safe."}]}
                """
            let result = try harness.curl([
                "-H", "content-type: application/json", "-H", "authorization: Bearer \(h[0])", "-H", "x-api-key: \(h[1])",
                "-H", "api-key: \(h[2])", "-H", "cookie: session=\(h[3])", "-H", "x-planted-token: \(h[4])",
                "--data-binary", body, "\(harness.base)/v1/chat/completions?key=\(h[5])&n=\(n)",
            ])
            #expect(result.status == 0 && result.stdout.contains("Noted"), "request \(n): \(result.stdout)")
        }
        let exchanges = try harness.stopAndRead()
        #expect(exchanges.count == cities.count, "\(harness.recorderLogTail)")
        let archive = try harness.archiveText()
        let log = harness.recorder?.log ?? ""
        for secret in h {
            #expect(!archive.contains(secret), "a header or query credential reached the archive")
            #expect(!log.contains(secret), "a header or query credential reached the recorder's log")
        }
        for secret in Self.bodySecrets { #expect(!log.contains(secret), "a body credential reached the log") }
        #expect(exchanges.allSatisfy { $0.request.headers.first(named: "x-planted-token")?.hasPrefix("redacted:") == true })

        // Distill the capture: the datasets (and every other run file) carry none of the secrets.
        let runs = harness.directory.appendingPathComponent("runs")
        let distill = try ProcessRunner.understudy(
            ["distill", "--from", harness.archive.path, "--run", "sec", "--runs", runs.path, "--hashing-embedder",
             "--min-cluster-size", "3"],
            environment: ["UNDERSTUDY_ANON_KEY": "hardening-test-key-0123456789abcdef"])
        #expect(distill.status == 0, "distill failed: \(distill.stderr.suffix(2000))")
        var files = 0
        let run = runs.appendingPathComponent("sec")
        for case let url as URL in FileManager.default.enumerator(at: run, includingPropertiesForKeys: nil) ?? .init() {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            files += 1
            let text = String(decoding: data, as: UTF8.self)
            for secret in h + Self.bodySecrets {
                #expect(!text.contains(secret), "\(secret.prefix(12))… reached \(url.path.dropFirst(run.path.count))")
            }
        }
        #expect(files > 3, "the run wrote \(files) files")
    }

    @Test func archiveKeysAndRunFilesAreOwnerOnly() throws {
        let harness = try RecorderHarness(script: #"{"response": {"content": "ok", "tool_calls": []}}"#)
        let sent = try harness.curl(["-H", "content-type: application/json", "--data-binary",
                                     #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#,
                                     "\(harness.base)/v1/chat/completions"])
        #expect(sent.status == 0)
        _ = try harness.stopAndRead()
        #expect(Self.permissions(harness.archive) == 0o700, "archive directory")
        let segments = try FileManager.default.contentsOfDirectory(at: harness.archive, includingPropertiesForKeys: nil)
        #expect(!segments.isEmpty)
        for segment in segments {
            #expect(Self.permissions(segment) == 0o600, "\(segment.lastPathComponent)")
        }
        // The redaction key the recorder created on first use.
        let config = harness.directory.appendingPathComponent("config/understudy")
        let keys = (try? FileManager.default.contentsOfDirectory(at: config, includingPropertiesForKeys: nil)) ?? []
        #expect(!keys.isEmpty, "no redaction key under \(config.path)")
        for key in keys { #expect(Self.permissions(key) == 0o600, "\(key.path)") }
        #expect(Self.permissions(config) == 0o700, "\(config.path)")

        // The interception CA's private key.
        let caHome = harness.directory.appendingPathComponent("ca-home")
        let ca = try ProcessRunner.understudy(["ca", "init"], environment: ["XDG_CONFIG_HOME": caHome.path])
        #expect(ca.status == 0, "ca init: \(ca.stderr)")
        let caFiles = FileManager.default.enumerator(at: caHome, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL } ?? []
        let privateKeys = caFiles.filter { $0.lastPathComponent.contains("key") }
        #expect(!privateKeys.isEmpty, "no CA key under \(caHome.path): \(caFiles.map(\.lastPathComponent))")
        for key in privateKeys { #expect(Self.permissions(key) == 0o600, "\(key.path)") }

        // A distillation run: its datasets hold (anonymized) traffic.
        let runs = harness.directory.appendingPathComponent("runs")
        let distill = try ProcessRunner.understudy(
            ["distill", "--from", harness.archive.path, "--run", "perm", "--runs", runs.path, "--hashing-embedder"],
            environment: ["UNDERSTUDY_ANON_KEY": "hardening-test-key-0123456789abcdef"])
        let run = runs.appendingPathComponent("perm")
        guard FileManager.default.fileExists(atPath: run.path) else {
            Issue.record("distill wrote no run: \(distill.stderr.suffix(1000))")
            return
        }
        #expect(Self.permissions(run) == 0o700, "run directory")
        for case let url as URL in FileManager.default.enumerator(at: run, includingPropertiesForKeys: nil) ?? .init() {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            let mode = Self.permissions(url)
            #expect(mode == (isDirectory.boolValue ? 0o700 : 0o600), "\(url.path.dropFirst(run.path.count)): \(String(mode ?? 0, radix: 8))")
        }
    }

    @Test func recordAdminListenerOnlyReads() throws {
        let harness = try RecorderHarness(script: #"{"response": {"content": "ok", "tool_calls": []}}"#)
        let admin = "http://127.0.0.1:\(harness.adminPort)"
        for (method, path) in [("PUT", "/admin/policies/default"), ("POST", "/metrics"), ("DELETE", "/healthz"), ("GET", "/admin/stats")] {
            let result = try harness.curl(["-o", "/dev/null", "-w", "%{http_code}", "-X", method, "-d", "{}", admin + path])
            #expect(["403", "404", "405"].contains(result.stdout), "\(method) \(path) answered \(result.stdout)")
        }
        #expect(harness.recorder?.stop() == 0)
    }
}
