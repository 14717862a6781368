/// Turns text into the set of its word n-gram shingles, each hashed to 32 bits. Words are
/// lowercased runs of letters and digits (non-ASCII bytes count as letters); a text shorter than
/// n words is one shingle.
public struct Shingler: Sendable {
    public let size: Int

    public init(size: Int = 3) { self.size = max(1, size) }

    /// The sorted, distinct shingle hashes of `text`.
    public func shingles(_ text: String) -> [UInt32] {
        var text = text
        return text.withUTF8 { shingles(bytes: $0) }
    }

    public func shingles(bytes: UnsafeBufferPointer<UInt8>) -> [UInt32] {
        var words: [UInt64] = []
        words.reserveCapacity(bytes.count / 5)
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        var inWord = false
        for b in bytes {
            if ByteClass.isAlnum(b) || b >= 0x80 {
                h = (h ^ UInt64(ByteClass.lower(b))) &* 0x100_0000_01B3
                inWord = true
            } else if inWord {
                words.append(h)
                h = 0xCBF2_9CE4_8422_2325
                inWord = false
            }
        }
        if inWord { words.append(h) }
        guard !words.isEmpty else { return [] }
        var out: [UInt32] = []
        let count = max(1, words.count - size + 1)
        out.reserveCapacity(count)
        for start in 0..<count {
            var s: UInt64 = 0x9E37_79B9_7F4A_7C15
            for w in words[start..<min(words.count, start + size)] {
                s = Self.mix(s ^ w)
            }
            out.append(UInt32(truncatingIfNeeded: s ^ (s >> 32)))
        }
        out.sort()
        var unique = 0
        for i in 0..<out.count where i == 0 || out[i] != out[i - 1] {
            out[unique] = out[i]
            unique += 1
        }
        out.removeLast(out.count - unique)
        return out
    }

    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 31)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 29)
    }

    /// The exact Jaccard similarity of two sorted shingle sets.
    public static func jaccard(_ a: [UInt32], _ b: [UInt32]) -> Double {
        if a.isEmpty && b.isEmpty { return 1 }
        var i = 0
        var j = 0
        var common = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                common += 1
                i += 1
                j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return Double(common) / Double(a.count + b.count - common)
    }
}
