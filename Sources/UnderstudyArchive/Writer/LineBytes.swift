/// Bytes of record lines as the archive writer builds them: the frame being filled
/// (`SegmentWriter`), a line alone (`Exchange.jsonLine()`). Each piece (literal, escaped text,
/// body, digit) is stored with a raw copy after one capacity test. Appending every piece to a
/// `[UInt8]` paid, per piece, a uniqueness test, a capacity test and a call into the array's
/// generic append: the line writer was ~2 µs per JSON request, spread over its dozens of appends
/// (Recorder MEASUREMENTS.md, twelfth session, engineer "json2"). The event loops' `HeadBytes`
/// does the same for HTTP heads.
///
/// Non-copyable: it owns its memory, which grows (doubling) when the bytes need more and is
/// kept when they are cleared (`removeAll()`), so a segment's frames reuse it.
///
/// ```swift
/// var line = LineBytes()
/// line.append(literal: #"{"v":1}"#)
/// let copy = line.array
/// ```
struct LineBytes: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 4096) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Calls `body` with the bytes written. The pointer is valid only inside `body`: the memory
    /// moves when it grows and is freed with the `LineBytes`. Typed throws, so a caller that
    /// throws one error type (`SegmentWriter.flushFrame`) keeps it; otherwise as `rethrows`.
    @inline(__always)
    borrowing func withBytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// The bytes written, as an array.
    var array: [UInt8] { withBytes { Array($0) } }

    /// Forgets the bytes written; the memory stays for the next ones.
    mutating func removeAll() { count = 0 }

    /// Forgets the last `n` bytes written.
    mutating func removeLast(_ n: Int) {
        precondition(n >= 0 && n <= count)
        count -= n
    }

    /// Where the next `n` bytes go; `count` already counts them.
    @inline(__always)
    private mutating func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if capacity - count < n { grow(toHold: count + n) }
        let at = base + count
        count += n
        return at
    }

    @inline(never)
    private mutating func grow(toHold needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.initialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Lets `body` write up to `n` bytes at the end, in place; `body` returns how many it wrote.
    /// `body` must not write more than `n` bytes: only `n` are reserved, and the precondition on
    /// what it returns runs after the fact, once bytes past them may already have overwritten
    /// the heap.
    @inline(__always)
    mutating func write(upTo n: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        if capacity - count < n { grow(toHold: count + n) }
        let written = body(base + count)
        precondition(written >= 0 && written <= n)
        count += written
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1).pointee = byte
    }

    @inline(__always)
    mutating func append(literal text: StaticString) {
        let n = text.utf8CodeUnitCount
        reserve(n).initialize(from: text.utf8Start, count: n)
    }

    @inline(__always)
    mutating func append(bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        reserve(bytes.count).initialize(from: source, count: bytes.count)
    }

    mutating func append(contentsOf array: [UInt8]) {
        array.withUnsafeBufferPointer { append(bytes: $0) }
    }

    mutating func append(contentsOf slice: ArraySlice<UInt8>) {
        slice.withUnsafeBufferPointer { append(bytes: $0) }
    }

    /// The UTF-8 bytes of `text` as they are (no escaping).
    mutating func append(utf8 text: String) {
        var text = text
        text.withUTF8 { append(bytes: $0) }
    }
}

/// Where JSON text is written: an array, or a record's `LineBytes`. The writers generic over it
/// (`JSONValue.write`, `writeString`, `writeEscaped`) are specialised for each.
protocol JSONOutput: ~Copyable {
    mutating func append(_ byte: UInt8)
    mutating func append(bytes: UnsafeBufferPointer<UInt8>)
    mutating func append(literal text: StaticString)
}

extension LineBytes: JSONOutput {}

extension [UInt8]: JSONOutput {
    @inline(__always)
    mutating func append(bytes: UnsafeBufferPointer<UInt8>) { append(contentsOf: bytes) }
}
