import ArgumentParser
import Foundation
import UnderstudyArchive

/// `understudy archive import`: brings JSONL of Exchange records or HAR files into an archive.
struct ArchiveImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import JSONL of Exchange records or HAR 1.2 files into an archive.",
        discussion: """
            The format follows the file name (.har is HAR, anything else JSONL) unless --format says.
            Example: understudy archive import session.har old.jsonl --out captures/imported
            """)

    @Argument(help: "Files to import.") var files: [String]
    @Option(help: "Archive directory to write (created when missing).") var out: String
    @Option(help: "jsonl or har (default: from each file's extension).") var format: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one file to import") }
        if let format, !["jsonl", "har"].contains(format) {
            throw ValidationError("--format is jsonl or har, not \(format)")
        }
    }

    func run() throws {
        let writer: ArchiveWriter
        do {
            writer = try ArchiveWriter(configuration: .init(directory: URL(fileURLWithPath: out), writerName: "import"))
        } catch {
            throw CLIError("cannot write the archive \(out): \(error)")
        }
        var imported = 0
        var failure: (any Error)?
        do {
            for file in files {
                let data: Data
                do {
                    data = try Data(contentsOf: URL(fileURLWithPath: file))
                } catch {
                    throw CLIError("cannot read \(file): \(error.localizedDescription)")
                }
                let isHAR = (format ?? (file.lowercased().hasSuffix(".har") ? "har" : "jsonl")) == "har"
                if isHAR {
                    let document: JSONValue
                    do {
                        document = try JSONValue(parsing: Array(data))
                    } catch {
                        throw CLIError("\(file) is not JSON: \(error)")
                    }
                    do {
                        for exchange in try HAR.exchanges(from: document) {
                            writer.appendWaiting(exchange)
                            imported += 1
                        }
                    } catch {
                        throw CLIError("\(file): \(error)")
                    }
                } else {
                    var number = 0
                    for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
                        number += 1
                        if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
                        do {
                            writer.appendWaiting(try Exchange(jsonLine: line))
                            imported += 1
                        } catch {
                            throw CLIError("\(file):\(number): not an Exchange record: \(error)")
                        }
                    }
                }
            }
        } catch {
            failure = error
        }
        do {
            try writer.close()
        } catch {
            throw CLIError("writing \(out) failed: \(error)")
        }
        let counters = writer.counters
        if json {
            ArchiveCLI.print(json: [
                "imported": .int(imported), "written": .int(counters.written), "dropped": .int(counters.dropped),
                "archive": .string(out),
            ])
        } else {
            print("imported \(counters.written) records into \(out)")
        }
        if let failure { throw failure }
        if counters.dropped > 0 {
            throw CLIError("\(counters.dropped) records could not be written: \(counters.lastError ?? "unknown error")")
        }
    }
}
