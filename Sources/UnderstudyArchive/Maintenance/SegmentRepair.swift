import Foundation

/// Rewrites a damaged or unclosed segment: keeps every intact record, drops torn and corrupt
/// frames, and writes a fresh segment with a seek table in place of the old file.
public enum SegmentRepair {
    public struct Result: Sendable {
        public var url: URL
        /// Issues found before the repair (what was dropped or missing).
        public var issues: [ArchiveIssue]
        public var recordsKept: Int
        /// False when the segment was already sound and left alone.
        public var rewritten: Bool
    }

    /// Repairs `url` in place (through a temporary file in the same directory and a rename).
    public static func repair(_ url: URL, writerName: String = "understudy-repair") throws -> Result {
        let segment = try SegmentReader(url: url)
        var records: [Exchange] = []
        let issues = try segment.scan { records.append($0) }
        guard !issues.isEmpty else { return Result(url: url, issues: [], recordsKept: records.count, rewritten: false) }
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).repair")
        unlink(temporary.path)
        let writer = try SegmentWriter(url: temporary, writer: writerName, level: 6, scheme: .dedup)
        do {
            for record in records {
                writer.append(record)
                if writer.bufferedBytes >= 1 << 20 { try writer.flushFrame() }
            }
            _ = try writer.close()
        } catch {
            writer.abandon()
            unlink(temporary.path)
            throw error
        }
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            unlink(temporary.path)
            throw ArchiveError.io(path: url.path, operation: "replace", errno: code)
        }
        return Result(url: url, issues: issues, recordsKept: records.count, rewritten: true)
    }
}
