import ArgumentParser
import Foundation
import UnderstudyArchive
import UnderstudyRecorder

/// `understudy ca`: the certificate authority the forward proxy uses to intercept TLS.
struct CACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca",
        abstract: "Create, inspect and export Understudy's TLS interception CA.",
        discussion: """
            The forward proxy (`understudy record --forward`) terminates TLS for allowlisted hosts \
            with certificates signed by this CA, so clients must trust it. The CA lives in \
            $UNDERSTUDY_CONFIG_DIR, else $XDG_CONFIG_HOME/understudy, else ~/.config/understudy \
            (ca.pem, and ca-key.pem with mode 0600).

            Examples:
              understudy ca init
              understudy ca show --json
              understudy ca export --out understudy-ca.pem
            """,
        subcommands: [CAInitCommand.self, CAShowCommand.self, CAExportCommand.self])
}

/// Options shared by the `ca` subcommands.
struct CADirectoryOptions: ParsableArguments {
    @Option(name: .customLong("config-dir"), help: "Directory holding ca.pem and ca-key.pem (default: the user's config directory).")
    var configDirectory: String?

    var files: CertificateAuthorityFiles {
        CertificateAuthorityFiles(
            directory: configDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? CertificateAuthorityFiles.defaultDirectory())
    }

    func load() throws -> CertificateAuthority {
        do { return try CertificateAuthority.load(from: files) } catch { throw CLIError("\(error)") }
    }

    /// Subject, fingerprint, validity and paths, for `init` and `show`.
    static func summary(_ ca: CertificateAuthority, files: CertificateAuthorityFiles) throws -> JSONSummary {
        JSONSummary(
            subject: ca.certificate.subject.description, fingerprint: try ca.fingerprintSHA256(),
            notBefore: ISO8601DateFormatter().string(from: ca.certificate.notValidBefore),
            notAfter: ISO8601DateFormatter().string(from: ca.certificate.notValidAfter),
            certificate: files.certificate.path, privateKey: files.privateKey.path)
    }

    struct JSONSummary {
        var subject, fingerprint, notBefore, notAfter, certificate, privateKey: String

        var json: JSONValue {
            [
                "subject": .string(subject), "fingerprint_sha256": .string(fingerprint),
                "not_before": .string(notBefore), "not_after": .string(notAfter),
                "certificate": .string(certificate), "private_key": .string(privateKey),
            ]
        }

        var text: String {
            """
            subject:      \(subject)
            fingerprint:  SHA-256 \(fingerprint)
            valid:        \(notBefore) to \(notAfter)
            certificate:  \(certificate)
            private key:  \(privateKey) (mode 0600; keep it secret)
            """
        }
    }
}
