import ArgumentParser

// Not built yet: see the open issue for `understudy mock-upstream`.
struct MockUpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mock-upstream", abstract: "(not built yet)")
    func run() async throws { throw CLIError("understudy mock-upstream is not built yet") }
}
