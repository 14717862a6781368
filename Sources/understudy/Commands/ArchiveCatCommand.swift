import ArgumentParser
import Foundation
import UnderstudyArchive

/// `understudy archive cat`: the records as plain JSON lines (references resolved).
struct ArchiveCatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat", abstract: "Print records as plain JSONL (Exchange schema v1), references resolved.",
        discussion: """
            Examples:
              understudy archive cat captures/prod | jq -c '{id, model: .llm.model}'
              understudy archive cat captures/prod --id 01JD8X… 
              understudy archive cat captures/prod --since 2026-11-26T10:00:00Z --until 2026-11-26T11:00:00Z
            """)

    @Argument(help: "Archive directory or segment file.") var path: String
    @Option(help: "Only the record with this id (found through the seek tables).") var id: String?
    @Option(help: "Only records that started at or after this RFC 3339 time.") var since: String?
    @Option(help: "Only records that started at or before this RFC 3339 time.") var until: String?

    func run() throws {
        let reader = try ArchiveCLI.reader(path)
        if let id {
            guard let exchange = try reader.exchange(id: id) else {
                throw CLIError("no record with id \(id) in \(path)")
            }
            ArchiveCLI.writeStandardOutput(exchange.jsonLine() + [0x0A])
            return
        }
        let from = try ArchiveCLI.time(since, "--since") ?? .distantPast
        let to = try ArchiveCLI.time(until, "--until") ?? .distantFuture
        guard from <= to else { throw ValidationError("--since is after --until") }
        let range = since == nil && until == nil ? nil : from...to
        var buffer: [UInt8] = []
        let issues = try reader.scan(timeRange: range) { exchange in
            buffer += exchange.jsonLine()
            buffer.append(0x0A)
            if buffer.count > 1 << 20 {
                ArchiveCLI.writeStandardOutput(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        ArchiveCLI.writeStandardOutput(buffer)
        for issue in issues where issue.losesData {
            FileHandle.standardError.write(Data("warning: \(issue)\n".utf8))
        }
    }
}
