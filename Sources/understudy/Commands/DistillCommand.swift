import ArgumentParser

// Not built yet: see the open issue for `understudy distill`.
struct DistillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "distill", abstract: "(not built yet)")
    func run() async throws { throw CLIError("understudy distill is not built yet") }
}
