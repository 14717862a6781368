import ArgumentParser

// Not built yet: see the open issue for `understudy train`.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "(not built yet)")
    func run() async throws { throw CLIError("understudy train is not built yet") }
}
