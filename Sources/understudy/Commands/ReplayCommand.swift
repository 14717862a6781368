import ArgumentParser

// Not built yet: see the open issue for `understudy replay`.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "(not built yet)")
    func run() async throws { throw CLIError("understudy replay is not built yet") }
}
