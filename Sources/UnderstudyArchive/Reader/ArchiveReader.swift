import Foundation

/// Reads an archive: one segment file, or every `*.jsonl.zst` segment of a directory in name
/// (that is, time) order. Damaged parts are reported as issues, never returned as records.
///
/// ```swift
/// let reader = try ArchiveReader(path: URL(fileURLWithPath: "captures/prod"))
/// let issues = try reader.scan { exchange in print(exchange.id, exchange.llm?.model ?? "-") }
/// let one = try reader.exchange(id: "01JD…")
/// ```
public struct ArchiveReader: Sendable {
    /// The segment files, in order.
    public let segments: [URL]

    /// Opens a segment file or a directory of segments. Segments themselves are opened lazily;
    /// a directory without segments is an error.
    public init(path: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
            throw ArchiveError.invalid("\(path.path) does not exist")
        }
        if isDirectory.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: path.path)
                .filter { $0.hasSuffix(SegmentFormat.fileExtension) && !$0.hasPrefix(".") }.sorted()
            guard !names.isEmpty else {
                throw ArchiveError.invalid("\(path.path) holds no archive segments (*\(SegmentFormat.fileExtension))")
            }
            segments = names.map { path.appendingPathComponent($0) }
        } else {
            segments = [path]
        }
    }

    /// Decodes every intact record, in segment order, optionally only those that started in
    /// `timeRange`; returns the issues met on the way.
    @discardableResult
    public func scan(timeRange: ClosedRange<Date>? = nil, _ body: (Exchange) throws -> Void) throws -> [ArchiveIssue] {
        let micros = timeRange.map {
            Int64($0.lowerBound.timeIntervalSince1970 * 1e6)...Int64($0.upperBound.timeIntervalSince1970 * 1e6)
        }
        var issues: [ArchiveIssue] = []
        for url in segments {
            issues += try SegmentReader(url: url).scan(startMicros: micros, body)
        }
        return issues
    }

    /// All intact records, in order (convenient for small archives; `scan` streams).
    public func exchanges(timeRange: ClosedRange<Date>? = nil) throws -> (exchanges: [Exchange], issues: [ArchiveIssue])
    {
        var all: [Exchange] = []
        let issues = try scan(timeRange: timeRange) { all.append($0) }
        return (all, issues)
    }

    /// The record with `id`, or nil. Uses each segment's seek table; segments whose name sorts
    /// after the id's time could still hold it (records are written when they end), so all are tried.
    public func exchange(id: String) throws -> Exchange? {
        for url in segments {
            if let hit = try SegmentReader(url: url).exchange(id: id) { return hit }
        }
        return nil
    }
}
