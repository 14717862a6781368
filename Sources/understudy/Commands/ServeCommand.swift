import ArgumentParser

// Not built yet: see the open issue for `understudy serve`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "(not built yet)")
    func run() async throws { throw CLIError("understudy serve is not built yet") }
}
