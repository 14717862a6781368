import ArgumentParser
import Foundation
import UnderstudyArchive

/// `understudy archive repair`: rewrites damaged or unclosed segments without the damage.
struct ArchiveRepairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair", abstract: "Drop torn tails and corrupt frames, add missing seek tables.",
        discussion: """
            Each damaged or unclosed segment is rewritten in place with its intact records and a seek table.
            Do not run it on a segment a recorder is still writing. Example: understudy archive repair captures/prod
            """)

    @Argument(help: "Archive directory or segment file.") var path: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let reader = try ArchiveCLI.reader(path)
        var rows: [JSONValue] = []
        for url in reader.segments {
            let result: SegmentRepair.Result
            do {
                result = try SegmentRepair.repair(url)
            } catch {
                throw CLIError("repairing \(url.path) failed: \(error)")
            }
            rows.append([
                "segment": .string(url.path), "rewritten": .bool(result.rewritten), "records": .int(result.recordsKept),
                "fixed": .array(result.issues.map { .string($0.description) }),
            ])
            if !json {
                if result.rewritten {
                    print("repaired \(url.lastPathComponent): kept \(result.recordsKept) records")
                    for issue in result.issues { print("  fixed: \(issue)") }
                } else {
                    print("sound \(url.lastPathComponent): \(result.recordsKept) records")
                }
            }
        }
        if json { ArchiveCLI.print(json: .array(rows)) }
    }
}
