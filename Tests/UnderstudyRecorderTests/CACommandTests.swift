import Foundation
import Testing
import UnderstudyArchive
import UnderstudyRecorder
import UnderstudyTestSupport

/// `understudy ca init | show | export`, run as the built binary against a private config directory.
struct CACommandTests {
    static let openssl = URL(fileURLWithPath: "/usr/bin/openssl")

    static func withConfigDirectory(_ body: (URL, [String: String]) throws -> Void) throws {
        #expect(FileManager.default.isExecutableFile(atPath: TestEnvironment.binary.path),
                "build the binary first: swift build --product understudy")
        let root = try TestEnvironment.temporaryDirectory("ca-command")
        defer { try? FileManager.default.removeItem(at: root) }
        let config = root.appendingPathComponent("config")
        try body(config, ["UNDERSTUDY_CONFIG_DIR": config.path])
    }

    @Test func initCreatesAPrivateKeyAndNeverPrintsIt() throws {
        try Self.withConfigDirectory { config, env in
            let result = try ProcessRunner.understudy(["ca", "init"], environment: env)
            #expect(result.status == 0, "\(result.stderr)")
            let key = config.appendingPathComponent("ca-key.pem")
            let attributes = try FileManager.default.attributesOfItem(atPath: key.path)
            #expect(attributes[.posixPermissions] as? Int == 0o600)
            #expect(try FileManager.default.attributesOfItem(atPath: config.path)[.posixPermissions] as? Int == 0o700)
            #expect(try String(contentsOf: key, encoding: .utf8).contains("PRIVATE KEY"))
            #expect(!(result.stdout + result.stderr).contains("PRIVATE KEY"))
            let text = try ProcessRunner.run(Self.openssl, ["x509", "-noout", "-text", "-in", config.appendingPathComponent("ca.pem").path])
            #expect(text.stdout.contains("CA:TRUE"))
        }
    }

    @Test func reInitRefusesWithoutForce() throws {
        try Self.withConfigDirectory { config, env in
            #expect(try ProcessRunner.understudy(["ca", "init"], environment: env).status == 0)
            let before = try Data(contentsOf: config.appendingPathComponent("ca-key.pem"))
            let again = try ProcessRunner.understudy(["ca", "init"], environment: env)
            #expect(again.status == 1)
            #expect(again.stderr.contains("--force"))
            #expect(try Data(contentsOf: config.appendingPathComponent("ca-key.pem")) == before)
            let forced = try ProcessRunner.understudy(["ca", "init", "--force"], environment: env)
            #expect(forced.status == 0, "\(forced.stderr)")
            #expect(try Data(contentsOf: config.appendingPathComponent("ca-key.pem")) != before)
        }
    }

    @Test func showJSONHasTheFingerprintOpenSSLComputes() throws {
        try Self.withConfigDirectory { config, env in
            #expect(try ProcessRunner.understudy(["ca", "init"], environment: env).status == 0)
            let show = try ProcessRunner.understudy(["ca", "show", "--json"], environment: env)
            #expect(show.status == 0, "\(show.stderr)")
            let json = try JSONValue(parsing: Array(show.stdout.utf8))
            let expected = try ProcessRunner.run(
                Self.openssl, ["x509", "-noout", "-fingerprint", "-sha256", "-in", config.appendingPathComponent("ca.pem").path])
            // openssl prints "sha256 Fingerprint=AA:BB:…".
            let opensslFingerprint = expected.stdout.split(separator: "=").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            #expect(json["fingerprint_sha256"]?.stringValue == opensslFingerprint)
            #expect(json["private_key"]?.stringValue == config.appendingPathComponent("ca-key.pem").path)
            #expect(json["subject"]?.stringValue?.contains("Understudy") == true)
        }
    }

    @Test func showWithoutACAExplainsWhatToRun() throws {
        try Self.withConfigDirectory { _, env in
            let show = try ProcessRunner.understudy(["ca", "show"], environment: env)
            #expect(show.status == 1)
            #expect(show.stderr.contains("understudy ca init"))
        }
    }

    @Test func exportedCertificateVerifiesAMintedLeaf() throws {
        try Self.withConfigDirectory { config, env in
            #expect(try ProcessRunner.understudy(["ca", "init"], environment: env).status == 0)
            let exported = config.deletingLastPathComponent().appendingPathComponent("exported.pem")
            let export = try ProcessRunner.understudy(["ca", "export", "--out", exported.path], environment: env)
            #expect(export.status == 0, "\(export.stderr)")
            for variable in ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"] {
                #expect(export.stdout.contains("\(variable)=\(exported.path)"))
            }
            #expect(!(try String(contentsOf: exported, encoding: .utf8)).contains("PRIVATE KEY"))
            // The proxy loads the same CA and mints a leaf; a client trusting only the export accepts it.
            let ca = try CertificateAuthority.load(from: CertificateAuthorityFiles(directory: config))
            let leaf = config.deletingLastPathComponent().appendingPathComponent("leaf.pem")
            try Data(try ca.leaf(for: "api.openai.com").chainPEM().utf8).write(to: leaf)
            let verify = try ProcessRunner.run(
                Self.openssl, ["verify", "-CAfile", exported.path, "-verify_hostname", "api.openai.com", leaf.path])
            #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
            let stdoutExport = try ProcessRunner.understudy(["ca", "export"], environment: env)
            #expect(stdoutExport.stdout == (try String(contentsOf: exported, encoding: .utf8)))
        }
    }
}
