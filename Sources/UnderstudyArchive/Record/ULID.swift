import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// ULIDs: 48 bits of milliseconds then 80 random bits, in Crockford base32, so record ids sort
/// by creation time and need no coordination between producers.
public enum ULID {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    public static func generate(milliseconds: UInt64 = UInt64(Exchange.Timing.nowMicros() / 1000)) -> String {
        let (low, high) = randomBits.withLock { $0.next() }
        // Written straight into the string's storage: no array per id.
        return String(unsafeUninitializedCapacity: 26) { out in
            alphabet.withUnsafeBufferPointer { alphabet in
                // 10 characters of time (50 bits, top 2 always zero).
                var t = milliseconds
                for i in stride(from: 9, through: 0, by: -1) {
                    out[i] = alphabet[Int(t & 31)]
                    t >>= 5
                }
                // 16 characters of randomness (80 bits).
                var r = low
                for i in stride(from: 25, through: 13, by: -1) {  // 13 chars = 65 bits; take 64 from low, 1 from high
                    out[i] = alphabet[Int(r & 31)]
                    r >>= 5
                }
                var h = (high << 1) | (low >> 63)
                for i in stride(from: 12, through: 10, by: -1) {
                    out[i] = alphabet[Int(h & 31)]
                    h >>= 5
                }
            }
            return 26
        }
    }

    /// System randomness fetched 256 bytes at a time: one `getrandom` call per 16 ids instead of
    /// two per id (the recorder makes an id for every request; the syscalls showed in profiles).
    private static let randomBits = Mutex(RandomPool())

    private struct RandomPool: ~Copyable {
        var words = [UInt64](repeating: 0, count: 32)
        var used = 32

        /// 64 random bits and 16 more.
        mutating func next() -> (low: UInt64, high: UInt64) {
            if used + 2 > words.count { refill() }
            defer { used += 2 }
            return (words[used], words[used + 1] & 0xFFFF)
        }

        private mutating func refill() {
            let filled = words.withUnsafeMutableBytes { getentropy($0.baseAddress!, $0.count) == 0 }
            if !filled {
                var rng = SystemRandomNumberGenerator()
                for i in words.indices { words[i] = rng.next() }
            }
            used = 0
        }
    }

    /// The millisecond timestamp encoded in a ULID, or nil when `id` is not one.
    public static func milliseconds(of id: String) -> UInt64? {
        let chars = Array(id.utf8)
        guard chars.count == 26 else { return nil }
        var t: UInt64 = 0
        for c in chars[0..<10] {
            guard let v = alphabet.firstIndex(of: c) else { return nil }
            t = t << 5 | UInt64(v)
        }
        return t
    }
}
