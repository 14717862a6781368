import ArgumentParser
import Foundation

/// The `understudy` command. Each subcommand lives in its own file under `Commands/`.
struct Understudy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "understudy",
        abstract: "Record the LLM calls of agents, distill specialists from them, prove and swap them in.",
        discussion: """
            Typical loop:
              understudy record --listen 127.0.0.1:8080 --upstream openai=https://api.openai.com --out captures/prod
              understudy distill --from captures/prod --run r1
              understudy train --run r1 --recipe scratch
              understudy replay --run r1
              understudy serve --run r1 --listen 127.0.0.1:8080 --upstream openai=https://api.openai.com
            """,
        subcommands: [
            RecordCommand.self, ImportPcapCommand.self, ArchiveCommand.self, MockUpstreamCommand.self,
            CACommand.self, DistillCommand.self, TrainCommand.self, ReplayCommand.self, ReportCommand.self,
            ServeCommand.self,
        ]
    )
}

/// Entry point: maps errors to the exit codes DESIGN.md promises (0 ok, 1 an explained failure,
/// 2 bad usage) instead of ArgumentParser's sysexits codes.
@main
enum Main {
    static func main() async {
        do {
            var command = try Understudy.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = Understudy.exitCode(for: error)
            if code == .success {
                Understudy.exit(withError: error)
            }
            let message = Understudy.fullMessage(for: error)
            if !message.isEmpty {
                FileHandle.standardError.write(Data((message + "\n").utf8))
            }
            if error is CLIError || error is any LocalizedError || code == .failure {
                exit(error is ValidationError ? 2 : 1)
            }
            exit(code == .validationFailure ? 2 : 1)
        }
    }
}
