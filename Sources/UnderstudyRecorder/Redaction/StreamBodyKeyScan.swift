import Foundation
import UnderstudyArchive
import UnderstudyWire

/// Whether an event stream's body may hold a key, reading most of its bytes only where each line
/// differs from the previous line of its kind. The key scan of every streamed byte was the
/// largest single item of the recording threads' work on streams (~9 µs per 50-chunk stream;
/// MEASUREMENTS.md, thirteenth session, engineer "sse3"), and a stream repeats one chunk's JSON
/// envelope (id, model, created, …) around a changed token, and in OpenAI's padded chunks around
/// a changed `obfuscation` value too.
///
/// Exact: false only when the whole-body scan (`HeaderRedactor.scrubSecrets(in:)`) finds no key.
/// The first line of each kind (`data:` lines, other lines) is scanned whole; a later line is
/// split into stretches that repeat bytes of the previous line of its kind (which, by then, held
/// no key) and the changed bytes between them. Whether a key starts at a byte depends only on
/// the six bytes before it (a boundary, `\n`-style escapes) and on the run of key bytes it
/// starts, up to the byte that ends the run; a line break is neither. So a byte whose six
/// bytes before and whose run up to its end lie in a repeated stretch decides as the previous
/// line's byte did: no key. Only the changed bytes, widened to such contexts, are scanned. What
/// needs more than that context goes to the whole-body scan: a `-----BEGIN` (a PEM header is read
/// 64 bytes on, its block may end lines later), a `\u` or `\/` escape (the whole scan reads
/// the decoded text then), and any hit at all, so that a key is replaced exactly as before. A
/// `-----BEGIN` or escape inside a repeated stretch was in the previous line, so it was seen
/// there (the first line of each kind is checked whole).
enum StreamBodyKeyScan {
    /// False only when a scan of the whole of `b` finds no key (see the type's comment).
    static func mayHoldKey(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
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
                if lineMayHoldKey(b, line, previous: isData ? lastData : lastOther) { return true }
                if isData { lastData = line } else { lastOther = line }
            }
            start = end + 1
        }
        return false
    }

    /// The fewest bytes a stretch found after a changed token must repeat for it to be skipped
    /// (shorter ones are scanned with the changes around them).
    static let shortestSkippedStretch = 16

    /// Whether `line` may hold a key, when `previous` (the previous line of its kind, if any)
    /// holds none. A chunk's line shares a prefix (the envelope up to the token) and a suffix
    /// with the previous one; a padded chunk's middle, between its token and its padding's
    /// value, repeats too, shifted by the token's change of length: it is found from the first
    /// quote after the change in both lines (the token's closing quote).
    static func lineMayHoldKey(_ b: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, previous: Range<Int>?) -> Bool {
        guard let previous else { return windowMayHoldKey(b, line, changed: line) }
        let (prefix, suffix) = SharedEnds.split(
            UnsafeBufferPointer(rebasing: b[line]), UnsafeBufferPointer(rebasing: b[previous]))
        let changed = (line.lowerBound + prefix)..<(line.upperBound - suffix)
        // A line that repeats the previous one whole: nothing new. (One that drops bytes of it
        // has an empty change where the rest joins: that join is scanned.)
        if changed.isEmpty, line.count == previous.count { return false }
        let wasChanged = (previous.lowerBound + prefix)..<(previous.upperBound - suffix)
        if let quote = firstQuote(b, in: changed), let wasQuote = firstQuote(b, in: wasChanged) {
            let repeated = SharedEnds.prefixLength(
                UnsafeBufferPointer(rebasing: b[quote..<changed.upperBound]),
                UnsafeBufferPointer(rebasing: b[wasQuote..<wasChanged.upperBound]))
            if repeated >= shortestSkippedStretch {
                return windowMayHoldKey(b, line, changed: changed.lowerBound..<quote)
                    || windowMayHoldKey(b, line, changed: (quote + repeated)..<changed.upperBound)
            }
        }
        return windowMayHoldKey(b, line, changed: changed)
    }

    /// Whether the bytes of `line` around `changed` may hold a key. The window scanned holds
    /// every byte whose context (the six bytes before it, its run of key bytes and the byte
    /// ending that run) reaches into `changed`: back over the run of key bytes that ends at the
    /// change and six bytes more, on over nine bytes (the six, or the rest of a `-----BEGIN`
    /// that starts in the change) and the run they end in, and the byte that ends it (a PEM
    /// header's space). Bytes the window adds before that run cannot start a key (their runs end
    /// before it, under the scanner's shortest match), so scanning the window alone is exact.
    static func windowMayHoldKey(_ b: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, changed: Range<Int>) -> Bool {
        var low = changed.lowerBound
        while low > line.lowerBound, isKeyByte(b[low - 1]) { low -= 1 }
        low = max(line.lowerBound, min(low - 6, changed.lowerBound - 9))
        var high = min(line.upperBound, changed.upperBound + 9)
        while high < line.upperBound, isKeyByte(b[high]) { high += 1 }
        if high < line.upperBound { high += 1 }
        // Windows are a few dozen bytes: one pass byte by byte looks for what the window scan
        // cannot decide and for a run of key bytes long enough to start a key; only a window
        // with such a run (in the mock's streams: a padding value) goes to the scanner.
        let shortestMatch = KnownKeyScanner.shortestMatchRun
        var run = 0
        var longRun = false
        var i = low
        while i < high {
            let c = b[i]
            if isKeyByte(c) {
                run += 1
                if run >= shortestMatch { longRun = true }
                if c == UInt8(ascii: "-"), i + 10 <= b.count, b[i + 1] == c, isPEMBegin(b, at: i) { return true }
            } else {
                run = 0
                // The escaped byte may lie just past the window: read it from the body.
                if c == UInt8(ascii: "\\"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "u") || b[i + 1] == UInt8(ascii: "/") {
                    return true
                }
            }
            i += 1
        }
        return longRun && !KnownKeyScanner.ranges(in: UnsafeBufferPointer(rebasing: b[low..<high])).isEmpty
    }

    /// `KnownKeyScanner.isKeyByte` by comparisons (`[A-Za-z0-9_.-]`): the scanner's table is a
    /// global, read through an initialisation check per call.
    @inline(__always)
    static func isKeyByte(_ c: UInt8) -> Bool {
        let letter = c | 0x20
        return (letter >= UInt8(ascii: "a") && letter <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
            || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
    }

    /// Whether `-----BEGIN` starts at `i` of `b` (at least ten bytes on).
    static func isPEMBegin(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        guard let base = b.baseAddress else { return false }
        return memcmp(base + i, "-----BEGIN", 10) == 0
    }

    /// The first `"` in `range` of `b`. Byte by byte: it is the changed token's closing quote,
    /// a few bytes on.
    static func firstQuote(_ b: UnsafeBufferPointer<UInt8>, in range: Range<Int>) -> Int? {
        var i = range.lowerBound
        while i < range.upperBound {
            if b[i] == UInt8(ascii: "\"") { return i }
            i += 1
        }
        return nil
    }
}

extension HeaderRedactor {
    /// `scrubSecrets(in:)` for an event stream's body: the same result, but a body that holds no
    /// key (nearly every one) is read only where its lines change (`StreamBodyKeyScan`).
    public func scrubSecrets(inStream bytes: [UInt8]) -> (bytes: [UInt8], count: Int) {
        guard bytes.withUnsafeBufferPointer(StreamBodyKeyScan.mayHoldKey) else { return (bytes, 0) }
        return scrubSecrets(in: bytes)
    }

    /// `scrubSecrets(inStream:)` for a body, keeping its `truncated` flag.
    func scrubSecrets(inStream body: HTTPBody) -> (body: HTTPBody, count: Int) {
        guard body.bytes.withUnsafeBufferPointer(StreamBodyKeyScan.mayHoldKey) else { return (body, 0) }
        return scrubSecrets(in: body)
    }
}
