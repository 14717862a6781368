/// A fixed set of ASCII words looked up by a slice of UTF-8 bytes: the name and address lexicons
/// are asked about nearly every capitalised word, and a `Set<String>` lookup first makes a
/// `String` and hashes it with SipHash. Here the slice is hashed in place (FNV-1a) into an
/// open-addressing table built once.
///
/// ```swift
/// let states = ByteWordSet(["CA", "NY"])
/// // "NY" at bytes 8..<10 of "Albany, NY": states.contains(b, 8..<10) == true
/// ```
struct ByteWordSet: Sendable {
    /// All words' bytes, one after another.
    private let bytes: [UInt8]
    /// Per slot: 0 when empty, else the word's offset in `bytes` shifted left by 8, plus its length.
    private let slots: [UInt64]
    private let mask: Int

    init(_ words: some Sequence<String>) {
        let unique = Array(Set(words))
        var size = 16
        while size < unique.count * 2 { size *= 2 }
        var bytes: [UInt8] = []
        var slots = [UInt64](repeating: 0, count: size)
        for word in unique {
            let utf8 = Array(word.utf8)
            precondition(!utf8.isEmpty && utf8.count < 256 && utf8.allSatisfy { $0 < 0x80 }, "ByteWordSet holds short ASCII words")
            var slot = Int(truncatingIfNeeded: utf8.withUnsafeBufferPointer { Self.hash($0, 0..<$0.count, lower: false) })
                & (size - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = UInt64(bytes.count) << 8 | UInt64(utf8.count)
            bytes += utf8
        }
        self.bytes = bytes
        self.slots = slots
        self.mask = size - 1
    }

    /// The length and the first two and last two bytes, mixed: constant work per word, and the
    /// words of a lexicon rarely share all five (a shared slot costs one more comparison).
    @inline(__always) static func hash(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, lower: Bool) -> UInt64 {
        @inline(__always) func byte(_ i: Int) -> UInt64 { UInt64(lower ? ByteClass.lower(b[i]) : b[i]) }
        let first = range.lowerBound
        let last = range.upperBound - 1
        let h =
            UInt64(range.count) | byte(first) << 8 | byte(min(first + 1, last)) << 16 | byte(max(last - 1, first)) << 24
            | byte(last) << 32
        let mixed = (h ^ (h >> 33)) &* 0xff51_afd7_ed55_8ccd
        return mixed ^ (mixed >> 33)
    }

    /// Whether `b[range]` is one of the words (exactly, case-sensitive).
    func contains(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        lookup(b, range, lower: false)
    }

    /// Whether `bytes` is one of the words (exactly, case-sensitive).
    func contains(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { contains($0, 0..<$0.count) }
    }

    /// Whether `b[range]`, lowercased (ASCII), is one of the words (which are lowercase).
    func containsLowercased(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        lookup(b, range, lower: true)
    }

    @inline(__always) private func lookup(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, lower: Bool) -> Bool {
        guard range.count > 0, range.count < 256 else { return false }
        var slot = Int(truncatingIfNeeded: Self.hash(b, range, lower: lower)) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return false }
            if Int(entry & 0xFF) == range.count {
                let offset = Int(entry >> 8)
                var k = 0
                while k < range.count
                    && (lower ? ByteClass.lower(b[range.lowerBound + k]) : b[range.lowerBound + k]) == bytes[offset + k]
                {
                    k += 1
                }
                if k == range.count { return true }
            }
            slot = (slot + 1) & mask
        }
    }
}
