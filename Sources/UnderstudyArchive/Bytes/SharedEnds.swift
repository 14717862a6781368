/// How much two byte strings share at their start and at their end. Consecutive events of a
/// stream repeat the same JSON with a token changed, so both the archive writer (`SSEDelta`:
/// only the changed middle is stored) and the stream assembler (`ChatChunkReader`: only the
/// changed middle is read) work from this split.
///
/// ```swift
/// let previous = Array(#"{"content":"Hello"}"#.utf8)
/// let data = Array(#"{"content":" world"}"#.utf8)
/// let (prefix, suffix) = data.withUnsafeBufferPointer { d in
///     previous.withUnsafeBufferPointer { SharedEnds.split(d, $0) }
/// }
/// // prefix == 12 (`{"content":"`), suffix == 2 (`"}`): data[12..<(data.count - 2)] changed
/// ```
public enum SharedEnds {
    /// Common prefix and suffix lengths of `data` with `previous`, on UTF-8 character boundaries;
    /// they never overlap (prefix + suffix ≤ the shorter length).
    public static func split(_ data: UnsafeBufferPointer<UInt8>, _ previous: UnsafeBufferPointer<UInt8>) -> (
        prefix: Int, suffix: Int
    ) {
        let n = min(data.count, previous.count)
        var p = 0
        if n > 0, let a = data.baseAddress, let b = previous.baseAddress {
            // Eight bytes per step while they agree, then byte by byte.
            let ra = UnsafeRawPointer(a)
            let rb = UnsafeRawPointer(b)
            while p + 8 <= n,
                ra.loadUnaligned(fromByteOffset: p, as: UInt64.self)
                    == rb.loadUnaligned(fromByteOffset: p, as: UInt64.self)
            {
                p += 8
            }
        }
        while p < n, data[p] == previous[p] { p += 1 }
        while p > 0, p < data.count, data[p] & 0xC0 == 0x80 { p -= 1 }
        var s = 0
        if let a = data.baseAddress, let b = previous.baseAddress {
            // The suffix likewise, eight bytes per step from the ends (events differ mostly in a
            // token near the start: the rest of the JSON after it is shared).
            let ra = UnsafeRawPointer(a)
            let rb = UnsafeRawPointer(b)
            while s + 8 <= n - p,
                ra.loadUnaligned(fromByteOffset: data.count - s - 8, as: UInt64.self)
                    == rb.loadUnaligned(fromByteOffset: previous.count - s - 8, as: UInt64.self)
            {
                s += 8
            }
        }
        while s < n - p, data[data.count - 1 - s] == previous[previous.count - 1 - s] { s += 1 }
        while s > 0, data[data.count - s] & 0xC0 == 0x80 { s -= 1 }
        return (p, s)
    }
}
