/// Byte tests eight bytes at a time in one `UInt64` ("SIMD within a register"), for the scans
/// that look for a few byte values in long runs of ordinary ones: JSON string bodies
/// (`JSONValue.plainRunEnd`), escaped lengths of event data (`SSEDelta`), SSE line ends
/// (`SSEParser`). Each function returns a mask with the high bit of every byte set exactly where
/// that byte passes the test (no carry crosses bytes: 0x7F + 0x7F < 0x100), so `!= 0` asks
/// "any?" and `nonzeroBitCount` counts.
public enum SWARBytes {
    @usableFromInline static let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    @usableFromInline static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Eight bytes of `base` from `offset`, in memory order (any alignment).
    @inlinable @inline(__always)
    public static func load(_ base: UnsafePointer<UInt8>, _ offset: Int) -> UInt64 {
        UnsafeRawPointer(base).loadUnaligned(fromByteOffset: offset, as: UInt64.self)
    }

    /// Bytes of `word` that are zero.
    @inlinable @inline(__always)
    public static func zero(_ word: UInt64) -> UInt64 {
        ~(((word & low7) &+ low7) | word) & highs
    }

    /// Bytes of `word` equal to `byte`.
    @inlinable @inline(__always)
    public static func equal(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        zero(word ^ (0x0101_0101_0101_0101 &* UInt64(byte)))
    }

    /// Bytes of `word` below 0x20 (JSON's control bytes): `(b & 0x7F) + 0x60` stays below 0x80
    /// exactly for those, and their own high bit is clear.
    @inlinable @inline(__always)
    public static func control(_ word: UInt64) -> UInt64 {
        ~(((word & low7) &+ 0x6060_6060_6060_6060) | word) & highs
    }

    /// Bytes of `word` at or above 0x80 (not ASCII).
    @inlinable @inline(__always)
    public static func nonASCII(_ word: UInt64) -> UInt64 { word & highs }
}
