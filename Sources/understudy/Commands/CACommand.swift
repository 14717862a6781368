import ArgumentParser

// Not built yet: see the open issue for `understudy ca`.
struct CACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ca", abstract: "(not built yet)")
    func run() async throws { throw CLIError("understudy ca is not built yet") }
}
