import ArgumentParser
import Foundation

/// `understudy ca show`: prints the CA's subject, fingerprint, validity and file paths.
struct CAShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the CA's subject, SHA-256 fingerprint, validity and paths.",
        discussion: """
            Examples:
              understudy ca show
              understudy ca show --json
            """)

    @OptionGroup var directory: CADirectoryOptions
    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let files = directory.files
        let ca = try directory.load()
        let summary = try CADirectoryOptions.summary(ca, files: files)
        print(json ? summary.json.serialized() : summary.text)
    }
}
