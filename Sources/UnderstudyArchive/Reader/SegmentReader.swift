import Foundation

/// Reads one segment file: checks its header, walks its frames, verifies their checksums,
/// splits them into lines and decodes records, hiding the line scheme.
///
/// ```swift
/// let segment = try SegmentReader(url: url)
/// let issues = try segment.scan { exchange in print(exchange.id) }
/// ```
public final class SegmentReader {
    public let url: URL
    public let header: SegmentHeader
    /// The seek table, when the segment was closed by its writer.
    public let seekTable: SeekTable?
    let file: MappedFile
    private let decompressor: ZstdDecompressor
    private var cache = FrameCache()
    /// Where the data frames end (the seek table's offset, or the file's end).
    let dataEnd: Int
    let headerEnd: Int

    /// Opens `url`; throws when it is not a segment or has an unknown format version.
    public init(url: URL) throws {
        self.url = url
        file = try MappedFile(path: url.path)
        decompressor = try ZstdDecompressor()
        let bytes = file.bytes
        guard bytes.count >= 8 else {
            throw ArchiveError.notASegment(
                path: url.path, reason: "it is \(bytes.count) bytes long, too short for a header")
        }
        var scanner = FrameScanner()
        guard case .skippable(let magic, let frame, let payload)? = scanner.next(in: bytes),
            magic == SegmentFormat.headerMagic
        else {
            let first = (0..<min(4, bytes.count)).map { String(format: "%02x", bytes[$0]) }.joined(separator: " ")
            let reason =
                SegmentFormat.readLE32(bytes, 0) == SegmentFormat.zstdMagic
                ? "it is a plain zstd file without the archive header (import it with `understudy archive import`)"
                : "it does not start with the archive header frame (first bytes: \(first))"
            throw ArchiveError.notASegment(path: url.path, reason: reason)
        }
        header = try SegmentHeader(payload: Array(UnsafeRawBufferPointer(rebasing: bytes[payload])), path: url.path)
        headerEnd = frame.upperBound
        if let (table, offset) = SeekTable.read(from: bytes) {
            seekTable = table
            dataEnd = offset
        } else {
            seekTable = nil
            dataEnd = bytes.count
        }
    }

    /// File size in bytes.
    public var storedSize: Int { file.count }

    /// One data frame's place in the file.
    public struct Frame: Sendable {
        public var offset: Int
        public var storedSize: Int
    }

    /// Walks every frame in order. `body` gets each data frame whose checksum holds, with its
    /// decoded content; damaged frames and a torn tail become issues.
    public func forEachFrame(_ body: (Frame, UnsafeBufferPointer<UInt8>) throws -> Void) throws -> [ArchiveIssue] {
        var issues: [ArchiveIssue] = []
        if seekTable == nil {
            issues.append(
                ArchiveIssue(
                    kind: .missingSeekTable, path: url.path, offset: file.count,
                    message:
                        "no seek table: the writer did not close this segment (`understudy archive repair` adds one)"))
        }
        let bytes = file.bytes
        var scanner = FrameScanner(position: headerEnd)
        var decoded: [UInt8] = []
        while scanner.position < dataEnd,
            let item = scanner.next(in: UnsafeRawBufferPointer(rebasing: bytes[..<dataEnd]))
        {
            switch item {
            case .skippable:
                continue
            case .data(let range):
                do {
                    try decompressor.decompressFrame(UnsafeRawBufferPointer(rebasing: bytes[range]), into: &decoded)
                } catch {
                    issues.append(
                        ArchiveIssue(
                            kind: .corruptFrame, path: url.path, offset: range.lowerBound,
                            message: "frame of \(range.count) bytes is damaged (\(error)); its records are skipped"))
                    continue
                }
                try decoded.withUnsafeBufferPointer {
                    try body(Frame(offset: range.lowerBound, storedSize: range.count), $0)
                }
            case .torn(let offset):
                issues.append(
                    ArchiveIssue(
                        kind: .tornTail, path: url.path, offset: offset,
                        message:
                            "the file ends inside a frame (\(dataEnd - offset) bytes); records before it are intact"))
            case .malformed(let offset, let reason, let resume):
                let end = resume ?? dataEnd
                issues.append(
                    ArchiveIssue(
                        kind: .garbage, path: url.path, offset: offset,
                        message: "\(end - offset) bytes are not a zstd frame (\(reason))"))
            }
        }
        return issues
    }

    /// The decoded content of the data frame at `offset` (used to resolve references).
    func decodedFrame(at offset: Int) -> [UInt8]? {
        if let hit = cache[offset] { return hit }
        let bytes = file.bytes
        guard offset >= headerEnd, offset < dataEnd else { return nil }
        var scanner = FrameScanner(position: offset)
        guard case .data(let range)? = scanner.next(in: UnsafeRawBufferPointer(rebasing: bytes[..<dataEnd])) else {
            return nil
        }
        var decoded: [UInt8] = []
        guard (try? decompressor.decompressFrame(UnsafeRawBufferPointer(rebasing: bytes[range]), into: &decoded)) != nil
        else {
            return nil
        }
        cache[offset] = decoded
        return decoded
    }

    /// Remembers a frame decoded during a scan so references into it resolve without decoding again.
    func remember(frameAt offset: Int, _ decoded: UnsafeBufferPointer<UInt8>) {
        cache[offset] = Array(decoded)
    }

    /// Calls `body` for every record line as stored (references unresolved) with its frame:
    /// the fast path for scanning and indexing. Returns the issues met.
    public func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Frame) throws -> Void) throws -> [ArchiveIssue] {
        try forEachFrame { frame, decoded in try splitLines(decoded) { try body($0, frame) } }
    }
}

/// Decoded frames kept for reference resolution, bounded by total size.
struct FrameCache {
    private var frames: [Int: [UInt8]] = [:]
    private var order: [Int] = []
    private var bytes = 0
    static let limit = 256 << 20

    subscript(offset: Int) -> [UInt8]? {
        get { frames[offset] }
        set {
            guard let newValue, frames[offset] == nil else { return }
            frames[offset] = newValue
            order.append(offset)
            bytes += newValue.count
            while bytes > Self.limit, let oldest = order.first {
                order.removeFirst()
                bytes -= frames.removeValue(forKey: oldest)?.count ?? 0
            }
        }
    }
}
