import ArgumentParser
import Foundation
import UnderstudyArchive

/// `understudy archive ls`: the segments of an archive with their size, records and state.
struct ArchiveLsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List the segments of an archive.",
        discussion: "Example: understudy archive ls captures/prod --json")

    @Argument(help: "Archive directory or segment file.") var path: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let reader = try ArchiveCLI.reader(path)
        var rows: [JSONValue] = []
        for url in reader.segments {
            do {
                let segment = try SegmentReader(url: url)
                let table = segment.seekTable
                let records = table?.entries.reduce(0) { $0 + $1.records }
                let raw = table?.entries.reduce(0) { $0 + $1.rawSize }
                rows.append([
                    "segment": .string(url.lastPathComponent), "bytes": .int(segment.storedSize),
                    "records": records.map(JSONValue.int) ?? .null, "bytes_raw": raw.map(JSONValue.int) ?? .null,
                    "frames": table.map { .int($0.entries.count) } ?? .null, "writer": .string(segment.header.writer),
                    "created": .string(RFC3339.format(micros: segment.header.createdMicros)),
                    "closed": .bool(table != nil),
                ])
            } catch {
                rows.append(["segment": .string(url.lastPathComponent), "error": .string("\(error)")])
            }
        }
        if json {
            ArchiveCLI.print(json: .array(rows))
            return
        }
        for row in rows {
            let name = row["segment"]?.stringValue ?? ""
            if let error = row["error"]?.stringValue {
                print("\(name)  ERROR \(error)")
                continue
            }
            let records = row["records"]?.intValue.map(String.init) ?? "?"
            let state = row["closed"]?.boolValue == true ? "closed" : "open or unclosed (no seek table)"
            print("\(name)  \(ArchiveCLI.bytes(row["bytes"]?.intValue ?? 0))  \(records) records  \(state)")
        }
    }
}
