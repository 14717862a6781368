/// Header names compared with a lowercase name, ASCII case ignored, without building a lowercase
/// copy (`lowercased()` per field and request showed in the proxy's profile).
enum HeaderName {
    /// Whether `name` is `lowercase` (which must be lowercase ASCII: checked in debug builds) in
    /// any case.
    ///
    /// The literal's bytes are read through its pointer; the `withUTF8Buffer` closure is gone.
    /// What remains of the cost is walking the name's `UTF8View` (MEASUREMENTS.md, seventeenth
    /// session, loop7 and loop8).
    static func equals(_ name: String, _ lowercase: StaticString) -> Bool {
        let count = lowercase.utf8CodeUnitCount
        // A string literal is stored as bytes, one character long too (`utf8Start` traps only
        // for a `StaticString` made from a `Unicode.Scalar`, which no caller passes).
        let expected = lowercase.utf8Start
        assert(isLowercaseASCII(UnsafeBufferPointer(start: expected, count: count)), "\(lowercase) is not lowercase ASCII")
        guard name.utf8.count == count else { return false }
        var index = 0
        for byte in name.utf8 {
            guard foldASCII(byte) == expected[index] else { return false }
            index &+= 1
        }
        return true
    }

    /// Whether `name` is `lowercase` (lowercase ASCII) in any case. Two iterators side by side,
    /// not `zip(…).allSatisfy`, whose iterator was a call per byte in the loop's profile.
    static func equals(_ name: String, lowercase: String) -> Bool {
        guard name.utf8.count == lowercase.utf8.count else { return false }
        var expected = lowercase.utf8.makeIterator()
        for byte in name.utf8 {
            guard foldASCII(byte) == expected.next() else { return false }
        }
        return true
    }

    /// `byte` with ASCII A–Z folded to a–z, every other byte as it is (one subtraction and
    /// compare: `A` wraps to 0, bytes below it wrap to large values).
    @inline(__always)
    static func foldASCII(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    /// Whether no byte is in A–Z or at or above 0x80 (the literals `equals` compares against).
    private static func isLowercaseASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.allSatisfy { $0 < 0x80 && foldASCII($0) == $0 }
    }
}
