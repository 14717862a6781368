import ArgumentParser

// Not built yet: see the open issue for `understudy report`.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "(not built yet)")
    func run() async throws { throw CLIError("understudy report is not built yet") }
}
