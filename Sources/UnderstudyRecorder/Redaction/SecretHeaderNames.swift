/// The header names a `HeaderRedactor` replaces, laid out for the question every field of every
/// record asks: "is this name one of them, in any case?". A name whose length no secret name
/// has is answered at once (most fields: `Content-Type`, `Host`, …); others are compared as
/// bytes with the names of that length, ASCII case folded, with no `String` views, zips or
/// copies (those were ~8% of the recorder thread). Names with non-ASCII bytes keep the
/// `lowercased()` route: Unicode case mapping can change their length (`K`, Kelvin, is `k`).
struct SecretHeaderNames: Sendable {
    /// Bit n: some name is n bytes long (n < 64).
    private let lengths: UInt64
    /// The lowercase names as bytes.
    private let names: [[UInt8]]
    /// The lowercase names, for the non-ASCII route.
    private let set: Set<String>

    init(_ lowercaseNames: Set<String>) {
        set = lowercaseNames
        names = lowercaseNames.map { Array($0.utf8) }
        lengths = names.reduce(0) { mask, name in name.count < 64 ? mask | 1 << UInt64(name.count) : mask }
    }

    func contains(_ name: String) -> Bool {
        // Native strings (every parsed field name) hand out their bytes in place.
        let known: Bool? =
            name.utf8.withContiguousStorageIfAvailable { contains(bytes: $0) }
            ?? Array(name.utf8).withUnsafeBufferPointer { contains(bytes: $0) }
        return known ?? set.contains(name.lowercased())
    }

    /// The answer for an ASCII name; nil when `bytes` hold a non-ASCII byte.
    private func contains(bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        var high: UInt8 = 0
        for byte in bytes { high |= byte }
        guard high < 0x80 else { return nil }
        let count = bytes.count
        if count < 64, lengths & (1 << UInt64(count)) == 0 { return false }
        for name in names where name.count == count {
            var equal = true
            for i in 0..<count {
                if HeaderName.foldASCII(bytes[i]) != name[i] {
                    equal = false
                    break
                }
            }
            if equal { return true }
        }
        return false
    }
}
