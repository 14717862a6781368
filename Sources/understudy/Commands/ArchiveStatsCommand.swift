import ArgumentParser
import Foundation
import UnderstudyArchive

/// `understudy archive stats`: records, sizes, ratio, time span, providers and models.
struct ArchiveStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Show records, bytes raw/stored, ratio, time span, providers and models.",
        discussion: "Example: understudy archive stats captures/prod --json | jq .ratio")

    @Argument(help: "Archive directory or segment file.") var path: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let stats: ArchiveStats
        do {
            stats = try ArchiveStats.compute(path: URL(fileURLWithPath: path))
        } catch {
            throw CLIError("\(error)")
        }
        if json {
            ArchiveCLI.print(json: stats.json)
            return
        }
        print("segments     \(stats.segments)")
        print("records      \(stats.records)")
        print("bytes raw    \(stats.bytesRaw) (\(ArchiveCLI.bytes(stats.bytesRaw)) as plain JSONL)")
        print("bytes stored \(stats.bytesStored) (\(ArchiveCLI.bytes(stats.bytesStored)))")
        print("ratio        \(String(format: "%.2f", stats.ratio))")
        if let first = stats.firstStartMicros, let last = stats.lastStartMicros {
            print("time span    \(RFC3339.format(micros: first)) … \(RFC3339.format(micros: last))")
        }
        print(
            "providers    "
                + stats.providers.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        )
        print(
            "models       "
                + stats.models.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        for issue in stats.issues { print("issue        \(issue)") }
    }
}
