import Foundation

extension SegmentReader {
    /// Decodes every intact record in file order, optionally only those whose `t.start` lies in
    /// `startMicros`. Returns what was stepped over (torn tail, damaged frames, bad lines).
    public func scan(startMicros: ClosedRange<Int64>? = nil, _ body: (Exchange) throws -> Void) throws -> [ArchiveIssue]
    {
        var decoder = LineDecoder(scheme: header.scheme, segment: self)
        var badLines: [ArchiveIssue] = []
        let skip = framesOutside(startMicros)
        var issues = try forEachFrame { frame, decoded in
            if skip.contains(frame.offset) { return }
            if decoder.needsFrames { remember(frameAt: frame.offset, decoded) }
            try splitLines(decoded) { line in
                do {
                    let exchange = try decoder.decode(line, frameOffset: frame.offset)
                    if let startMicros, !startMicros.contains(exchange.timing.startMicros) { return }
                    try body(exchange)
                } catch let error as ExchangeDecodingError {
                    badLines.append(issue(line, frame: frame, error))
                } catch let error as JSONParseError {
                    badLines.append(issue(line, frame: frame, error))
                } catch let error as ArchiveError {
                    badLines.append(issue(line, frame: frame, error))
                }
            }
        }
        issues += badLines
        return issues
    }

    /// The record with `id`, found through the seek table (or a scan when there is none).
    public func exchange(id: String) throws -> Exchange? {
        var decoder = LineDecoder(scheme: header.scheme, segment: self)
        let needle = Array(#""id":"\#(id)""#.utf8)
        func find(in decoded: UnsafeBufferPointer<UInt8>, frameOffset: Int) throws -> Exchange? {
            var found: Exchange?
            try splitLines(decoded) { line in
                guard found == nil, Self.line(line, hasID: needle) else { return }
                found = try decoder.decode(line, frameOffset: frameOffset)
            }
            return found
        }
        if let seekTable {
            for entry in seekTable.entries where entry.minID <= id && id <= entry.maxID {
                guard let decoded = decodedFrame(at: entry.offset) else { continue }
                if let hit = try decoded.withUnsafeBufferPointer({ try find(in: $0, frameOffset: entry.offset) }) {
                    return hit
                }
            }
            return nil
        }
        var result: Exchange?
        _ = try forEachFrame { frame, decoded in
            guard result == nil else { return }
            if decoder.needsFrames { remember(frameAt: frame.offset, decoded) }
            result = try find(in: decoded, frameOffset: frame.offset)
        }
        return result
    }

    /// Whether `line` is the record whose `"id":"…"` member is `needle`. The id is the first
    /// member after `v`, or after the `$dedup` member, whose flags hold no `}`: so it is compared
    /// where it starts, whatever its length (a fixed window at the line's start missed long ids
    /// behind `$dedup`).
    static func line(_ line: UnsafeBufferPointer<UInt8>, hasID needle: [UInt8]) -> Bool {
        let raw = UnsafeRawBufferPointer(line)
        let start: Int
        if raw.starts(with: plainLineStart) {
            start = #"{"v":1,"#.utf8.count
        } else if raw.starts(with: storedLineStart),
            let end = storedLineIDStart.withUnsafeBytes({ ByteSearch.find($0, in: raw, from: storedLineStart.count) })
        {
            start = end + 2  // past `},`
        } else {
            return needle.withUnsafeBytes { ByteSearch.find($0, in: raw, from: 0) } != nil
        }
        return start + needle.count <= raw.count
            && needle.withUnsafeBytes { memcmp($0.baseAddress!, raw.baseAddress! + start, needle.count) == 0 }
    }

    private static let plainLineStart = Array(#"{"v":1,"id":"#.utf8)
    private static let storedLineStart = Array(#"{"v":1,"$dedup":"#.utf8)
    private static let storedLineIDStart = Array(#"},"id":"#.utf8)

    /// Offsets of frames the seek table shows to hold no record in the range.
    private func framesOutside(_ range: ClosedRange<Int64>?) -> Set<Int> {
        guard let range, let seekTable, header.scheme == LineScheme.plain.rawValue else { return [] }
        // With references, a frame outside the range may still be needed to resolve later lines,
        // so only plain segments skip frames.
        return Set(
            seekTable.entries.filter { $0.maxStartMicros < range.lowerBound || $0.minStartMicros > range.upperBound }
                .map(\.offset))
    }

    private func issue(_ line: UnsafeBufferPointer<UInt8>, frame: Frame, _ error: any Error) -> ArchiveIssue {
        let prefix = String(decoding: UnsafeBufferPointer(rebasing: line.prefix(60)), as: UTF8.self)
        return ArchiveIssue(
            kind: .badRecord, path: url.path, offset: frame.offset,
            message: "a line of the frame at byte \(frame.offset) is not a valid record (\(error)): \(prefix)…")
    }
}

/// Calls `body` for each non-empty newline-separated line of `buffer`.
func splitLines(_ buffer: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
    guard let base = buffer.baseAddress else { return }
    var start = 0
    while start < buffer.count {
        let end: Int
        if let nl = memchr(base + start, 0x0A, buffer.count - start) {
            end = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
        } else {
            end = buffer.count
        }
        if end > start { try body(UnsafeBufferPointer(rebasing: buffer[start..<end])) }
        start = end + 1
    }
}
