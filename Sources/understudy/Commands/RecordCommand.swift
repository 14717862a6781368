import ArgumentParser

// Not built yet: see the open issue for `understudy record`.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "record", abstract: "(not built yet)")
    func run() async throws { throw CLIError("understudy record is not built yet") }
}
