import ArgumentParser
import Foundation
import UnderstudyArchive

/// `understudy archive export`: OpenAI fine-tune JSONL or HAR 1.2.
struct ArchiveExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export records as OpenAI fine-tune JSONL or HAR 1.2.",
        discussion: """
            openai-jsonl: one {"messages": [...], "tools": [...]} line per successful chat call, the recorded
            answer as the last assistant message; Anthropic requests are converted to OpenAI message form.
            Examples:
              understudy archive export captures/prod --format openai-jsonl --out train.jsonl
              understudy archive export captures/prod --format har --out session.har
            """)

    enum Format: String, ExpressibleByArgument {
        case openaiJSONL = "openai-jsonl"
        case har
    }

    @Argument(help: "Archive directory or segment file.") var path: String
    @Option(help: "openai-jsonl or har.") var format: Format
    @Option(help: "Output file (default: standard output).") var out: String?
    @Option(help: "Only records that started at or after this RFC 3339 time.") var since: String?
    @Option(help: "Only records that started at or before this RFC 3339 time.") var until: String?

    func run() throws {
        let reader = try ArchiveCLI.reader(path)
        let from = try ArchiveCLI.time(since, "--since") ?? .distantPast
        let to = try ArchiveCLI.time(until, "--until") ?? .distantFuture
        let range = since == nil && until == nil ? nil : from...to
        var output: [UInt8] = []
        var exported = 0
        var skipped = 0
        let issues: [ArchiveIssue]
        switch format {
        case .openaiJSONL:
            issues = try reader.scan(timeRange: range) { exchange in
                guard let line = OpenAIFineTuneExport.line(for: exchange) else {
                    skipped += 1
                    return
                }
                line.write(to: &output)
                output.append(0x0A)
                exported += 1
            }
        case .har:
            var all: [Exchange] = []
            issues = try reader.scan(timeRange: range) { all.append($0) }
            exported = all.count
            output = HAR.document(all).serializedBytes() + [0x0A]
        }
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: Data(output)) else {
                throw CLIError("cannot write \(out)")
            }
            FileHandle.standardError.write(
                Data(
                    "exported \(exported) records to \(out)\(skipped > 0 ? " (\(skipped) skipped: not a successful chat call with an answer)" : "")\n"
                        .utf8))
        } else {
            ArchiveCLI.writeStandardOutput(output)
        }
        for issue in issues where issue.losesData {
            FileHandle.standardError.write(Data("warning: \(issue)\n".utf8))
        }
    }
}
