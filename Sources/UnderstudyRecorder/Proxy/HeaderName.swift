/// Header names compared with a lowercase name, ASCII case ignored, without building a lowercase
/// copy (`lowercased()` per field and request showed in the proxy's profile).
enum HeaderName {
    /// Whether `name` is `lowercase` (which must be lowercase ASCII) in any case.
    static func equals(_ name: String, _ lowercase: StaticString) -> Bool {
        let count = lowercase.utf8CodeUnitCount
        guard name.utf8.count == count else { return false }
        return lowercase.withUTF8Buffer { expected in
            var index = 0
            for byte in name.utf8 {
                let folded = byte &- 0x41 < 26 ? byte | 0x20 : byte
                guard folded == expected[index] else { return false }
                index += 1
            }
            return true
        }
    }

    /// Whether `name` is `lowercase` (lowercase ASCII) in any case.
    static func equals(_ name: String, lowercase: String) -> Bool {
        guard name.utf8.count == lowercase.utf8.count else { return false }
        return zip(name.utf8, lowercase.utf8).allSatisfy { byte, expected in
            (byte &- 0x41 < 26 ? byte | 0x20 : byte) == expected
        }
    }
}
