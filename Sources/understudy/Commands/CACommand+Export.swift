import ArgumentParser
import Foundation

/// `understudy ca export`: writes the CA certificate (never the key) and explains how to trust it.
struct CAExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the CA certificate in PEM form and print how to make clients trust it.",
        discussion: """
            Without --out the PEM certificate goes to standard output (and the instructions to \
            standard error), so it can be piped.

            Examples:
              understudy ca export --out understudy-ca.pem
              understudy ca export > understudy-ca.pem
            """)

    @OptionGroup var directory: CADirectoryOptions
    @Option(help: "File to write the PEM certificate to (default: standard output).")
    var out: String?

    func run() async throws {
        let ca = try directory.load()
        let pem: String
        do { pem = try ca.certificatePEM() } catch { throw CLIError("cannot encode the CA certificate: \(error)") }
        guard let out else {
            print(pem, terminator: "")
            FileHandle.standardError.write(Data(Self.instructions(path: "understudy-ca.pem").utf8))
            return
        }
        let url = URL(fileURLWithPath: out)
        do { try Data(pem.utf8).write(to: url) } catch {
            throw CLIError("cannot write the CA certificate to \(url.path): \(error.localizedDescription)")
        }
        print("wrote the CA certificate to \(url.path)\n")
        print(Self.instructions(path: url.path), terminator: "")
    }

    static func instructions(path: String) -> String {
        """
        To make clients trust it (for their traffic through `understudy record --forward`):
          Python requests / httpx / openai / anthropic SDKs:
            export SSL_CERT_FILE=\(path)        # httpx, openai, anthropic
            export REQUESTS_CA_BUNDLE=\(path)   # requests
          Node.js:
            export NODE_EXTRA_CA_CERTS=\(path)
          curl and OpenSSL-based tools:
            export CURL_CA_BUNDLE=\(path)   # or: curl --cacert \(path)
        SSL_CERT_FILE and REQUESTS_CA_BUNDLE replace the default trust store; to keep public CAs \
        trusted too, append it to a copy of the system bundle:
          cat /etc/ssl/certs/ca-certificates.crt \(path) > bundle.pem   # then point the variables at bundle.pem
        (or `cat \(path) >> bundle.pem` onto an existing bundle).
        Then route the client through the proxy: export HTTPS_PROXY=http://127.0.0.1:PORT

        """
    }
}
