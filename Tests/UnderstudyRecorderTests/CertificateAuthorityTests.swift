import Foundation
import Testing
import UnderstudyRecorder
import UnderstudyTestSupport

/// The interception CA: minted leaves chain to it (checked by OpenSSL), carry the right SAN, are
/// cached per host, and the key file is private.
struct CertificateAuthorityTests {
    static let openssl = URL(fileURLWithPath: "/usr/bin/openssl")

    /// Writes the CA certificate and a leaf into `dir`, then runs `openssl verify` on the leaf.
    static func verify(_ leaf: LeafCertificate, against caPEM: String, in dir: URL, extra: [String]) throws -> ProcessResult {
        let caURL = dir.appendingPathComponent("trusted-ca-\(UUID().uuidString.prefix(6)).pem")
        let leafURL = dir.appendingPathComponent("leaf-\(UUID().uuidString.prefix(6)).pem")
        try Data(caPEM.utf8).write(to: caURL)
        try Data(leaf.chainPEM().utf8).write(to: leafURL)
        return try ProcessRunner.run(openssl, ["verify", "-CAfile", caURL.path] + extra + [leafURL.path])
    }

    static func subjectAltName(_ leaf: LeafCertificate) throws -> String {
        let pem = try leaf.chainPEM()
        return try ProcessRunner.run(openssl, ["x509", "-noout", "-ext", "subjectAltName"], stdin: Data(pem.utf8)).stdout
    }

    @Test func mintedLeafVerifiesAgainstTheCAForItsHostName() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.openssl.path), "these tests need /usr/bin/openssl")
        let dir = try TestEnvironment.temporaryDirectory("ca-test")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ca = try CertificateAuthority.create()
        let leaf = try ca.leaf(for: "api.openai.com")
        let ok = try Self.verify(leaf, against: try ca.certificatePEM(), in: dir, extra: ["-verify_hostname", "api.openai.com"])
        #expect(ok.status == 0, "openssl verify: \(ok.stdout) \(ok.stderr)")
        let wrongHost = try Self.verify(leaf, against: try ca.certificatePEM(), in: dir, extra: ["-verify_hostname", "evil.example"])
        #expect(wrongHost.status != 0, "a leaf for api.openai.com must not pass as evil.example")
        #expect(try Self.subjectAltName(leaf).contains("DNS:api.openai.com"))
        let validity = leaf.validity.upperBound.timeIntervalSince(leaf.validity.lowerBound)
        #expect(validity <= 2 * 24 * 3600, "leaves are short-lived")
    }

    @Test func leafFromAnotherCAIsRejected() throws {
        let dir = try TestEnvironment.temporaryDirectory("ca-test")
        defer { try? FileManager.default.removeItem(at: dir) }
        let trusted = try CertificateAuthority.create()
        let other = try CertificateAuthority.create()
        let result = try Self.verify(try other.leaf(for: "api.anthropic.com"), against: try trusted.certificatePEM(), in: dir, extra: [])
        #expect(result.status != 0)
    }

    @Test func literalAddressesGetAnIPAddressSAN() throws {
        let dir = try TestEnvironment.temporaryDirectory("ca-test")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ca = try CertificateAuthority.create()
        let leaf = try ca.leaf(for: "127.0.0.1")
        #expect(try Self.subjectAltName(leaf).contains("IP Address:127.0.0.1"))
        let ok = try Self.verify(leaf, against: try ca.certificatePEM(), in: dir, extra: ["-verify_ip", "127.0.0.1"])
        #expect(ok.status == 0, "openssl verify: \(ok.stdout) \(ok.stderr)")
        #expect(try Self.subjectAltName(try ca.leaf(for: "::1")).contains("IP Address:0:0:0:0:0:0:0:1"))
    }

    @Test func leavesAreCachedPerHost() throws {
        let ca = try CertificateAuthority.create()
        let first = try ca.leaf(for: "api.openai.com")
        #expect(try ca.leaf(for: "API.OpenAI.com").chainPEM() == first.chainPEM())
        #expect(try ca.leaf(for: "api.anthropic.com").chainPEM() != first.chainPEM())
        // A cached leaf close to expiry is replaced.
        let later = Date().addingTimeInterval(CertificateAuthority.leafLifetime - 60)
        #expect(try ca.leaf(for: "api.openai.com", now: later).chainPEM() != first.chainPEM())
    }

    @Test func savedCALoadsBackWithAPrivateKeyFile() throws {
        let dir = try TestEnvironment.temporaryDirectory("ca-test")
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = CertificateAuthorityFiles(directory: dir.appendingPathComponent("config"))
        let ca = try CertificateAuthority.create()
        try ca.save(to: files)
        let keyMode = try FileManager.default.attributesOfItem(atPath: files.privateKey.path)[.posixPermissions] as? Int
        let dirMode = try FileManager.default.attributesOfItem(atPath: files.directory.path)[.posixPermissions] as? Int
        #expect(keyMode == 0o600)
        #expect(dirMode == 0o700)
        let loaded = try CertificateAuthority.load(from: files)
        #expect(try loaded.fingerprintSHA256() == ca.fingerprintSHA256())
        // The loaded CA signs with the saved key: its leaves verify against the original certificate.
        let result = try Self.verify(try loaded.leaf(for: "generativelanguage.googleapis.com"),
                                     against: try ca.certificatePEM(), in: dir, extra: [])
        #expect(result.status == 0, "openssl verify: \(result.stdout) \(result.stderr)")
    }

    @Test func loadingWithoutACANamesTheMissingFile() throws {
        let dir = try TestEnvironment.temporaryDirectory("ca-test")
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = CertificateAuthorityFiles(directory: dir)
        #expect {
            try CertificateAuthority.load(from: files)
        } throws: { error in
            "\(error)".contains(files.certificate.path) && "\(error)".contains("understudy ca init")
        }
    }
}
