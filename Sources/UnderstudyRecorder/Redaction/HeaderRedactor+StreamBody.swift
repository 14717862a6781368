import Foundation
import UnderstudyArchive
import UnderstudyWire

extension HeaderRedactor {
    /// `scrubSecrets(in:)` for an event stream's body, exact as that is, but scanning most lines
    /// only where they differ from an earlier line. A stream repeats the same event JSON with a
    /// token changed, and the key scan of every streamed byte was the largest single item of
    /// the recording threads' work on streams (12% of it, ~9 µs per 50-chunk stream;
    /// MEASUREMENTS.md, thirteenth session, engineer "sse3").
    ///
    /// Why it is exact: the first line of each kind (`data:` lines, other lines) is scanned
    /// whole. A later line is compared with the previous line of its kind, which holds no key
    /// (else the whole body is scanned). Whether a key starts at a byte depends on the six bytes
    /// before it (a boundary, `\n`-style escapes) and on the run of key bytes it starts (its
    /// length); a line break is neither. So a byte whose run and the six bytes before it lie in
    /// the bytes the line shares with the previous one (at the same offset from the line's start,
    /// or from its end) decides as the previous line's byte did: no key. The rest, the changed
    /// middle widened to the runs of key bytes around it and six more bytes, is scanned. What
    /// needs more context goes to the whole-body scan: a `-----BEGIN` (a PEM block's header is
    /// read 64 bytes on and its end may lie lines later; one in shared bytes was in the previous
    /// line already), `\u` and `\/` escapes (the decoded view), and any hit at all, so the key
    /// found is replaced exactly as before.
    public func scrubSecrets(inStream bytes: [UInt8]) -> (bytes: [UInt8], count: Int) {
        guard Self.streamMayHoldKey(bytes) else { return (bytes, 0) }
        return scrubSecrets(in: bytes)
    }

    /// `scrubSecrets(inStream:)` for a body, keeping its `truncated` flag.
    func scrubSecrets(inStream body: HTTPBody) -> (body: HTTPBody, count: Int) {
        guard Self.streamMayHoldKey(body.bytes) else { return (body, 0) }
        return scrubSecrets(in: body)
    }

    /// False only when a scan of the whole of `bytes` finds no key (see `scrubSecrets(inStream:)`).
    static func streamMayHoldKey(_ bytes: [UInt8]) -> Bool {
        if escapesMayHideKeys(bytes) { return true }
        return bytes.withUnsafeBufferPointer { b -> Bool in
            guard let base = b.baseAddress else { return false }
            var lastData: Range<Int>?
            var lastOther: Range<Int>?
            var start = 0
            while start < b.count {
                let end = memchr(base + start, 0x0A, b.count - start).map {
                    base.distance(to: $0.assumingMemoryBound(to: UInt8.self))
                } ?? b.count
                if end > start {
                    let line = start..<end
                    let isData = line.count >= 5 && memcmp(base + start, "data:", 5) == 0
                    let (window, changed) = changedWindow(b, line: line, previous: isData ? lastData : lastOther)
                    // A `-----BEGIN` in the bytes shared with the previous line was in that line
                    // too, and sent the body to the whole scan there: only the changed bytes
                    // (and the nine on each side a `-----BEGIN` across their edge needs) can
                    // hold a first one.
                    let around = max(line.lowerBound, changed.lowerBound - 9)..<min(line.upperBound, changed.upperBound + 9)
                    if !window.isEmpty,
                        containsPEMBegin(b, around) || !KnownKeyScanner.ranges(in: UnsafeBufferPointer(rebasing: b[window])).isEmpty
                    {
                        return true
                    }
                    if isData { lastData = line } else { lastOther = line }
                }
                start = end + 1
            }
            return false
        }
    }

    /// Whether `-----BEGIN` lies inside `range` of `b` (a few dozen bytes: byte by byte).
    static func containsPEMBegin(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var i = range.lowerBound
        while i + 10 <= range.upperBound {
            if b[i] == 0x2D, b[i + 4] == 0x2D, let base = b.baseAddress, memcmp(base + i, "-----BEGIN", 10) == 0 {
                return true
            }
            i += 1
        }
        return false
    }

    /// The bytes of `line` a key scan must see when `previous` (an earlier line) holds no key:
    /// the bytes between the shared prefix and suffix (`changed`), widened to the runs of key
    /// bytes on both sides and six bytes more (the scanner's look back), within the line. The
    /// whole line when there is no previous line; empty when the line repeats it.
    static func changedWindow(_ b: UnsafeBufferPointer<UInt8>, line: Range<Int>, previous: Range<Int>?)
        -> (window: Range<Int>, changed: Range<Int>)
    {
        guard let previous else { return (line, line) }
        let (prefix, suffix) = SharedEnds.split(UnsafeBufferPointer(rebasing: b[line]), UnsafeBufferPointer(rebasing: b[previous]))
        if line.count == previous.count, prefix + suffix == line.count {
            return (line.lowerBound..<line.lowerBound, line.lowerBound..<line.lowerBound)
        }
        let changed = (line.lowerBound + prefix)..<(line.upperBound - suffix)
        var low = changed.lowerBound
        while low > line.lowerBound, KnownKeyScanner.isKeyByte(b[low - 1]) { low -= 1 }
        low = max(line.lowerBound, low - 7)
        var high = min(line.upperBound, changed.upperBound + 7)
        while high < line.upperBound, KnownKeyScanner.isKeyByte(b[high]) { high += 1 }
        return (low..<high, changed)
    }
}
