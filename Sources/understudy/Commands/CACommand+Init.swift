import ArgumentParser
import Foundation
import UnderstudyRecorder

/// `understudy ca init`: creates the CA certificate and its private key.
struct CAInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the interception CA (refuses to overwrite an existing one without --force).",
        discussion: """
            Examples:
              understudy ca init
              UNDERSTUDY_CONFIG_DIR=/tmp/us understudy ca init --force --json
            """)

    @OptionGroup var directory: CADirectoryOptions
    @Flag(help: "Replace an existing CA (clients that trusted the old one must trust the new one).")
    var force = false
    @Option(help: "Common name of the CA certificate.")
    var commonName = "Understudy Interception CA"
    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let files = directory.files
        if files.exist && !force {
            throw CLIError(
                "a CA already exists in \(files.directory.path) (ca.pem / ca-key.pem); pass --force to replace it")
        }
        let ca: CertificateAuthority
        do {
            ca = try CertificateAuthority.create(commonName: commonName)
            try ca.save(to: files)
        } catch { throw CLIError("cannot create the CA in \(files.directory.path): \(error)") }
        let summary = try CADirectoryOptions.summary(ca, files: files)
        if json {
            print(summary.json.serialized())
        } else {
            print("created the interception CA\n\(summary.text)\n")
            print("next: `understudy ca export` prints how to make clients trust it")
        }
    }
}
