import ArgumentParser

// Not built yet: see the open issue for `understudy archive`.
struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "archive", abstract: "(not built yet)")
    func run() async throws { throw CLIError("understudy archive is not built yet") }
}
