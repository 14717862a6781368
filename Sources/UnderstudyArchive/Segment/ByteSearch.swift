#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finding a byte string in a buffer (memchr for the first byte, then memcmp): glibc's memmem
/// is not visible to Swift without _GNU_SOURCE.
enum ByteSearch {
    /// Offset of the first `needle` in `haystack` at or after `from`, or nil.
    static func find(_ needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard let first = needle.first, let base = haystack.baseAddress else { return nil }
        var position = from
        let last = haystack.count - needle.count
        while position <= last {
            guard let hit = memchr(base + position, Int32(first), last - position + 1) else { return nil }
            let offset = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(base + offset, needle.baseAddress!, needle.count) == 0 { return offset }
            position = offset + 1
        }
        return nil
    }
}
