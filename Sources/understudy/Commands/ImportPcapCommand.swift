import ArgumentParser

// Not built yet: see the open issue for `understudy import-pcap`.
struct ImportPcapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import-pcap", abstract: "(not built yet)")
    func run() async throws { throw CLIError("understudy import-pcap is not built yet") }
}
