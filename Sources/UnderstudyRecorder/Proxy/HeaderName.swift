/// Header names compared with a lowercase name, ASCII case ignored, without building a lowercase
/// copy (`lowercased()` per field and request showed in the proxy's profile).
enum HeaderName {
    /// Whether `name` is `lowercase` (which must be lowercase ASCII) in any case.
    ///
    /// The literal's bytes are read through its pointer, not `withUTF8Buffer`: that closure was
    /// a function of its own, the largest of the loop's own items by self time in the profile at
    /// max load (MEASUREMENTS.md, seventeenth session, loop7 and loop8).
    static func equals(_ name: String, _ lowercase: StaticString) -> Bool {
        let count = lowercase.utf8CodeUnitCount
        guard name.utf8.count == count else { return false }
        // A string literal is stored as bytes, one character long too (`utf8Start` traps only
        // for a `StaticString` made from a `Unicode.Scalar`, which no caller passes).
        let expected = lowercase.utf8Start
        var index = 0
        for byte in name.utf8 {
            let folded = byte &- 0x41 < 26 ? byte | 0x20 : byte
            guard folded == expected[index] else { return false }
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
            let folded = byte &- 0x41 < 26 ? byte | 0x20 : byte
            guard folded == expected.next() else { return false }
        }
        return true
    }
}
