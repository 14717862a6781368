import ArgumentParser
import Foundation
import UnderstudyArchive

/// `understudy archive …`: inspect, check, repair, import and export capture archives.
struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Inspect, verify, repair, import and export capture archives (*.jsonl.zst segments).",
        discussion: """
            An archive is a directory of segments (or one segment file). Examples:
              understudy archive ls captures/prod
              understudy archive stats captures/prod --json
              understudy archive cat captures/prod --id 01JD8X… | jq .
              understudy archive verify captures/prod
              understudy archive export captures/prod --format openai-jsonl --out train.jsonl
            """,
        subcommands: [
            ArchiveLsCommand.self, ArchiveCatCommand.self, ArchiveStatsCommand.self, ArchiveVerifyCommand.self,
            ArchiveRepairCommand.self, ArchiveImportCommand.self, ArchiveExportCommand.self, ArchiveBenchCommand.self,
        ]
    )
}

/// Helpers shared by the archive subcommands.
enum ArchiveCLI {
    static func reader(_ path: String) throws -> ArchiveReader {
        do {
            return try ArchiveReader(path: URL(fileURLWithPath: path))
        } catch {
            throw CLIError("\(error)")
        }
    }

    static func print(json: JSONValue) {
        Swift.print(json.serialized())
    }

    static func bytes(_ n: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(n) B" : String(format: "%.1f %@", value, units[unit])
    }

    static func writeStandardOutput(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }

    /// Parses an RFC 3339 time for `--since` / `--until`.
    static func time(_ text: String?, _ option: String) throws -> Date? {
        guard let text else { return nil }
        guard let micros = RFC3339.parse(text) else {
            throw ValidationError("\(option) wants an RFC 3339 time such as 2026-11-26T16:00:00Z, not \(text)")
        }
        return Date(timeIntervalSince1970: Double(micros) / 1e6)
    }
}
