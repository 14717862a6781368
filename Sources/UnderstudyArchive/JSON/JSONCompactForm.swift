extension JSONValue {
    /// Whether `bytes` are one valid JSON value written exactly as `JSONValue.write(to:)` would
    /// write it after parsing: no whitespace outside strings, strings in valid UTF-8 with only the
    /// escapes the writer uses (`\"`, `\\`, `\n`, `\r`, `\t`, and lowercase `\u00xx` for the other
    /// control characters). Such bytes can stand in for the parsed value in a record line, byte
    /// for byte: the recorder keeps a plain answer's body as its assembled message this way
    /// instead of parsing it and serialising it again.
    ///
    /// ```swift
    /// JSONValue.isCompactForm(Array(#"{"a":[1,"é\n"]}"#.utf8))   // true
    /// JSONValue.isCompactForm(Array(#"{"a": 1}"#.utf8))          // false: a space
    /// JSONValue.isCompactForm(Array(#"{"a":"\/"}"#.utf8))        // false: the writer writes "/"
    /// ```
    ///
    /// `depth`: the nesting the value will sit at (as for `JSONValue(parsing:depth:)`).
    public static func isCompactForm(_ bytes: [UInt8], depth: Int = 0) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            guard !buffer.isEmpty else { return false }
            var cursor = JSONCursor(buffer)
            guard (try? cursor.skipValue(depth: depth)) != nil, cursor.position == buffer.count else { return false }
            return hasCompactSpelling(buffer)
        }
    }

    /// The spelling half of `isCompactForm`, for bytes already known to be one valid JSON value:
    /// validity settles the structure, so only string contents and the bytes between tokens need
    /// looking at. (A reader that walks the bytes anyway learns the same in its walk: `JSONCursor`'s
    /// `checkingCompactSpelling`; this separate pass is for callers that only validate.)
    static func hasCompactSpelling(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        var i = 0
        while i < count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D:
                return false
            case 0x22:
                guard let (end, _) = compactStringEnd(bytes, from: i + 1) else { return false }
                i = end
            default:
                i += 1
            }
        }
        return true
    }

    /// For the string whose contents start at `from` (after its opening quote): the offset past
    /// its closing quote, and whether it is plain (no escape, no non-ASCII byte), when it is
    /// written as `writeString` would write it (valid UTF-8, only the writer's escapes, no raw
    /// control byte, terminated); else nil. Such a string is also valid for a strict parse.
    static func compactStringEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> (end: Int, plain: Bool)? {
        let count = bytes.count
        var i = from
        var plain = true
        while true {
            i = plainRunEnd(bytes, from: i, orNonASCII: true)
            guard i < count else { return nil }
            let byte = bytes[i]
            if byte == 0x22 { return (i + 1, plain) }
            plain = false
            if byte == 0x5C {
                guard let length = compactEscapeLength(bytes, at: i) else { return nil }
                i += length
            } else if byte >= 0x80 {
                guard let length = utf8SequenceLength(bytes, at: i) else { return nil }
                i += length
            } else {
                return nil  // a raw control byte: not valid JSON in the first place
            }
        }
    }

    /// The length of the escape at `at` when `writeEscaped` writes it that way, else nil.
    private static func compactEscapeLength(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        guard i + 1 < bytes.count else { return nil }
        switch bytes[i + 1] {
        case 0x22, 0x5C, UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return 2
        case UInt8(ascii: "u"):
            // `\u00xx` with lowercase hex, for the control characters without a short escape.
            guard i + 5 < bytes.count, bytes[i + 2] == 0x30, bytes[i + 3] == 0x30 else { return nil }
            let high = bytes[i + 4]
            let low = bytes[i + 5]
            guard high == 0x30 || high == 0x31 else { return nil }
            let lowValue: UInt8
            switch low {
            case 0x30...0x39: lowValue = low - 0x30
            case UInt8(ascii: "a")...UInt8(ascii: "f"): lowValue = low - UInt8(ascii: "a") + 10
            default: return nil
            }
            let value = (high - 0x30) << 4 | lowValue
            return value == 0x09 || value == 0x0A || value == 0x0D ? nil : 6
        default:
            return nil
        }
    }

    /// The length of the well-formed UTF-8 sequence at `at` (no overlong forms, no surrogates,
    /// nothing above U+10FFFF), else nil: the parser would repair it, the writer would not repeat it.
    private static func utf8SequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        let lead = bytes[i]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            secondRange = 0x80...0x9F
        case 0xF0:
            length = 4
            secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            secondRange = 0x80...0x8F
        default: return nil
        }
        guard i + length <= bytes.count, secondRange.contains(bytes[i + 1]) else { return nil }
        for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return nil }
        return length
    }
}
