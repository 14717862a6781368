import Foundation

/// What an archive holds: counts, sizes, time span, providers and models.
public struct ArchiveStats: Sendable {
    public var segments = 0
    public var records = 0
    /// Size of the records as plain JSON lines (`Exchange.jsonLine()` plus newline).
    public var bytesRaw = 0
    /// Size of the segment files.
    public var bytesStored = 0
    public var firstStartMicros: Int64?
    public var lastStartMicros: Int64?
    public var providers: [String: Int] = [:]
    public var models: [String: Int] = [:]
    public var issues: [ArchiveIssue] = []

    public init() {}

    /// Raw bytes per stored byte.
    public var ratio: Double { bytesStored > 0 ? Double(bytesRaw) / Double(bytesStored) : 0 }

    /// Reads every record of the archive at `path`.
    public static func compute(path: URL) throws -> ArchiveStats {
        let reader = try ArchiveReader(path: path)
        var stats = ArchiveStats()
        for url in reader.segments {
            let segment = try SegmentReader(url: url)
            stats.segments += 1
            stats.bytesStored += segment.storedSize
            stats.issues += try segment.scan { exchange in
                stats.add(exchange)
            }
        }
        return stats
    }

    mutating func add(_ exchange: Exchange) {
        records += 1
        bytesRaw += exchange.jsonLine().count + 1
        let start = exchange.timing.startMicros
        firstStartMicros = min(firstStartMicros ?? start, start)
        lastStartMicros = max(lastStartMicros ?? start, start)
        providers[exchange.llm?.provider ?? "(unknown)", default: 0] += 1
        models[exchange.llm?.model ?? "(unknown)", default: 0] += 1
    }

    /// The statistics as JSON (for `--json`).
    public var json: JSONValue {
        func counts(_ d: [String: Int]) -> JSONValue {
            .object(
                d.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map {
                    JSONMember($0.key, .int($0.value))
                })
        }
        return [
            "segments": .int(segments), "records": .int(records), "bytes_raw": .int(bytesRaw),
            "bytes_stored": .int(bytesStored), "ratio": .number(String(format: "%.3f", ratio)),
            "first_start": firstStartMicros.map { .string(RFC3339.format(micros: $0)) } ?? .null,
            "last_start": lastStartMicros.map { .string(RFC3339.format(micros: $0)) } ?? .null,
            "providers": counts(providers), "models": counts(models),
            "issues": .array(issues.map { .string($0.description) }),
        ]
    }
}
