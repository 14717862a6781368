import ArgumentParser
import Foundation
import UnderstudyArchive

/// `understudy archive verify`: checks every frame's checksum and every record; exits 1 naming
/// the segment and byte offset of the first problem.
struct ArchiveVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check every frame and record; exit 1 at the first damaged place.",
        discussion: """
            A segment without a seek table (its writer is still running, or was killed) is reported but
            is not a failure. Example: understudy archive verify captures/prod && echo sound
            """)

    @Argument(help: "Archive directory or segment file.") var path: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let reader = try ArchiveCLI.reader(path)
        var results: [JSONValue] = []
        var firstProblem: ArchiveIssue?
        var notes: [ArchiveIssue] = []
        var records = 0
        for url in reader.segments {
            let issues: [ArchiveIssue]
            do {
                issues = try SegmentReader(url: url).scan { _ in records += 1 }
            } catch {
                throw CLIError("\(error)")
            }
            if firstProblem == nil { firstProblem = issues.first(where: \.losesData) }
            notes += issues.filter { !$0.losesData }
            results.append([
                "segment": .string(url.path),
                "issues": .array(
                    issues.map {
                        ["kind": .string($0.kind.rawValue), "offset": .int($0.offset), "message": .string($0.message)]
                    }),
            ])
        }
        if json {
            ArchiveCLI.print(json: [
                "ok": .bool(firstProblem == nil), "records": .int(records), "segments": .array(results),
            ])
        } else {
            for note in notes { print("note: \(note)") }
            if firstProblem == nil { print("ok: \(reader.segments.count) segment(s), \(records) records intact") }
        }
        if let firstProblem {
            throw CLIError(
                "\(firstProblem.path): first problem at byte \(firstProblem.offset): \(firstProblem.message) (`understudy archive repair` keeps the intact records)"
            )
        }
    }
}
