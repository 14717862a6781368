import ArgumentParser
import Foundation
import UnderstudyArchive

/// Hidden: the measurement step of `tools/bench/archive`.
struct ArchiveBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Write a JSONL corpus through the archive writer and time it (tools/bench/archive).",
        shouldDisplay: false)

    @Option(help: "JSONL of Exchange records.") var input: String
    @Option(help: "A new directory for the segments.") var out: String
    @Option(help: "zstd level.") var level = 6
    @Flag(help: "Print JSON (always on; accepted for symmetry).") var json = false

    func run() throws {
        if FileManager.default.fileExists(atPath: out) {
            throw ValidationError("\(out) exists; give a new directory")
        }
        let result = try ArchiveBenchmark.run(
            input: URL(fileURLWithPath: input), output: URL(fileURLWithPath: out), compressionLevel: level)
        ArchiveCLI.print(json: result)
    }
}
