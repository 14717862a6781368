/// Reading an object's members by the raw bytes of their names, and skipping a value exactly as
/// strictly as `parseValue` reads it: for readers that pick a few members out of a large body
/// (the recorder's usage and model) without building a `String` per name or a `JSONValue` per
/// picked member, and that must accept and refuse exactly what a full parse would.
extension JSONCursor {
    /// Walks the members of an object like `forEachMember`, but hands `body` each name as the
    /// range of its bytes between the quotes, and `plain`: whether those bytes hold no escape and
    /// no non-ASCII byte, so that they are the name itself (compare them as bytes). A name that is
    /// not plain can be decoded with `parseString()` from its opening quote (`name.lowerBound - 1`).
    /// Names are checked as strictly as `forEachMember` checks them. `body` must consume each value.
    ///
    /// ```swift
    /// try cursor.forEachMemberName { (c, name, plain) throws(JSONParseError) in
    ///     if plain, c.bytes(name, equal: "usage") { … } else { _ = try c.skipValue(depth: 1) }
    /// }
    /// ```
    public mutating func forEachMemberName(
        _ body: (inout JSONCursor, _ name: Range<Int>, _ plain: Bool) throws(JSONParseError) -> Void
    ) throws(JSONParseError) {
        try walkMembers(.raw) { (cursor, name) throws(JSONParseError) in try body(&cursor, name.range, name.plain) }
    }

    /// Whether the bytes in `range` are exactly `text`'s.
    public func bytes(_ range: Range<Int>, equal text: StaticString) -> Bool {
        guard range.count == text.utf8CodeUnitCount, range.upperBound <= bytes.count else { return false }
        let start = text.utf8Start
        for i in 0..<range.count where bytes[range.lowerBound + i] != start[i] { return false }
        return true
    }

    /// Skips one value, accepting and refusing exactly what `parseValue(depth:)` does (string
    /// escapes are checked too, which `skipValue` leaves to a parse), without building it.
    public mutating func skipValueStrictly(depth: Int = 0) throws(JSONParseError) {
        guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth)") }
        guard let byte = peek() else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"):
            try skipObjectStrictly(depth: depth)
        case UInt8(ascii: "["):
            try skipArrayStrictly(depth: depth)
        case UInt8(ascii: "\""):
            _ = try skipStringStrictly()
        default:
            _ = try skipValue(depth: depth)  // literals and numbers: the same checks either way
        }
    }

    /// The object at the cursor (its `{`), as `forEachMemberName` walks it with
    /// `skipValueStrictly` for each value, written out as a loop: through the walk, each member
    /// cost two indirect closure calls (the walk's and this function's) and a closure context.
    /// Skipped this way: the usage member's nested `…_tokens_details` objects of every OpenAI
    /// answer (`AnswerReader`; Recorder MEASUREMENTS.md, seventeenth session, engineer rec7).
    private mutating func skipObjectStrictly(depth: Int) throws(JSONParseError) {
        guard try open(UInt8(ascii: "{"), UInt8(ascii: "}")) else { return }
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a member name") }
            try skipStringStrictly()
            try expect(UInt8(ascii: ":"))
            try skipValueStrictly(depth: depth + 1)
            guard try passSeparator(UInt8(ascii: "}")) else { return }
        }
    }

    /// The array at the cursor (its `[`), as `forEachElement` walks it with `skipValueStrictly`.
    private mutating func skipArrayStrictly(depth: Int) throws(JSONParseError) {
        guard try open(UInt8(ascii: "["), UInt8(ascii: "]")) else { return }
        while true {
            try skipValueStrictly(depth: depth + 1)
            guard try passSeparator(UInt8(ascii: "]")) else { return }
        }
    }

    /// Moves past the string at the cursor (its opening quote), checking it as `parseString`
    /// does: terminated, no raw control byte, only valid escapes (`\uXXXX` with four hex digits).
    /// Returns whether it held no escape and no non-ASCII byte.
    @discardableResult
    mutating func skipStringStrictly() throws(JSONParseError) -> Bool {
        if let plain = skipCompactString() { return plain }  // compact strings are valid ones
        let start = position
        position += 1
        var plain = true
        while position < bytes.count {
            // While still plain, the run also ends at a non-ASCII byte: the string is not plain,
            // and the scan goes on from there.
            position = JSONValue.plainRunEnd(bytes, from: position, orNonASCII: plain)
            guard position < bytes.count else { break }
            let byte = bytes[position]
            if byte >= 0x80 {
                plain = false
            } else if byte == UInt8(ascii: "\"") {
                position += 1
                return plain
            } else if byte == UInt8(ascii: "\\") {
                plain = false
                guard position + 1 < bytes.count else { break }
                switch bytes[position + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 2
                case UInt8(ascii: "u"):
                    position += 2
                    _ = try hex4()
                default:
                    throw JSONParseError(offset: position, reason: "invalid escape")
                }
            } else {
                throw error("control character in string")  // the run ends only at `"`, `\`, these or non-ASCII
            }
        }
        throw JSONParseError(offset: start, reason: "unterminated string")
    }
}
