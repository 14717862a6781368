import NIOCore

/// Writes an HTTP message head into a `ByteBuffer` as one reserved run of bytes: each piece
/// (field name, value, literal, digits) is copied with `memcpy`. One `ByteBuffer.write…` per
/// piece (four per field, two heads per request) each paid a uniqueness check, a capacity check
/// and a run-time exclusivity check (`swift_beginAccess`): the largest caller of those in the
/// event loops' profile.
///
/// ```swift
/// HeadBytes.write(into: &buffer, reserving: HeadBytes.length(of: name) + 2) { head in
///     head.append(name)
///     head.append(": ")
/// }
/// ```
struct HeadBytes {
    private let base: UnsafeMutableRawPointer
    private let capacity: Int
    private(set) var count = 0

    /// Runs `body` over at least `reserving` writable bytes of `buffer` (the caller's upper bound
    /// of what `body` appends: going past it traps) and moves the writer index past what it wrote.
    static func write(into buffer: inout ByteBuffer, reserving: Int, _ body: (inout HeadBytes) -> Void) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: reserving) { raw in
            precondition(reserving <= raw.count)
            // The bound is the reservation, not the buffer's (rounded-up) capacity: an estimate
            // too small traps every time, in tests too, not only when the buffer happens to be full.
            var head = HeadBytes(base: raw.baseAddress!, capacity: reserving)
            body(&head)
            return head.count
        }
    }

    /// Bytes `text` takes (its UTF-8 length: constant time for native strings).
    static func length(of text: String) -> Int { text.utf8.count }

    /// Digits of a non-negative decimal number (at most 20).
    static let maxDecimalDigits = 20

    private init(base: UnsafeMutableRawPointer, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    private mutating func reserve(_ n: Int) -> UnsafeMutableRawPointer {
        precondition(count + n <= capacity, "HeadBytes: more bytes than reserved")
        defer { count += n }
        return base + count
    }

    mutating func append(_ literal: StaticString) {
        let n = literal.utf8CodeUnitCount
        reserve(n).copyMemory(from: literal.utf8Start, byteCount: n)
    }

    mutating func append(_ text: String) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard let source = bytes.baseAddress else { return }
            reserve(bytes.count).copyMemory(from: source, byteCount: bytes.count)
        }
        if copied == nil {
            for byte in text.utf8 { append(byte: byte) }
        }
    }

    mutating func append(byte: UInt8) {
        reserve(1).storeBytes(of: byte, as: UInt8.self)
    }

    /// `value` in decimal (negative values as 0).
    mutating func append(decimal value: Int) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, no allocation
        var rest = UInt64(max(0, value))
        withUnsafeMutableBytes(of: &digits) { scratch in
            var i = scratch.count
            repeat {
                i -= 1
                scratch[i] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
                rest /= 10
            } while rest > 0
            reserve(scratch.count - i).copyMemory(from: scratch.baseAddress! + i, byteCount: scratch.count - i)
        }
    }
}
