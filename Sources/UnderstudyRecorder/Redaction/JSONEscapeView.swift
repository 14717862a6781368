/// Text with its JSON backslash escapes decoded (`\u0070` → `p`, `\/` → `/`, `\n` → a line
/// feed, surrogate pairs → one scalar), and for each decoded byte the raw bytes that spelled it.
///
/// The key scan runs on this view when a body holds `\u` or `\/` escapes, which can spell key
/// bytes the raw scan cannot see (`"sk-\u0070roj-…"`); a key found here maps back to a raw range
/// that covers whole escape sequences, so replacing that range keeps the JSON valid. Escapes are
/// decoded wherever they stand, not only inside string literals: in JSON a backslash occurs
/// only there, and in other text (a truncated body, an SSE stream's lines) decoding them only
/// lets the scan find more. A malformed escape stays as written.
///
/// ```swift
/// let view = JSONEscapeView(Array(#""a\u0062c""#.utf8))
/// // view.decoded == Array(#""abc""#.utf8); view.rawRange(of: 2..<3) == 2..<8
/// ```
struct JSONEscapeView {
    /// The decoded bytes (UTF-8).
    let decoded: [UInt8]
    /// `origin[d]`: the raw offset where the unit (a byte, or a whole escape) that produced
    /// decoded byte `d` starts; `origin[decoded.count]` is the raw length.
    private let origin: [Int]

    init(_ raw: [UInt8]) {
        var decoded: [UInt8] = []
        var origin: [Int] = []
        decoded.reserveCapacity(raw.count)
        origin.reserveCapacity(raw.count + 1)
        var i = 0
        while i < raw.count {
            let (scalar, length) = raw[i] == UInt8(ascii: "\\") ? Self.escape(in: raw, at: i) : (nil, 1)
            if let scalar {
                UTF8.encode(scalar) { byte in
                    decoded.append(byte)
                    origin.append(i)
                }
            } else {
                decoded.append(raw[i])
                origin.append(i)
            }
            i += length
        }
        origin.append(raw.count)
        self.decoded = decoded
        self.origin = origin
    }

    /// The raw bytes that spell `range` of the decoded bytes, widened to whole units.
    func rawRange(of range: Range<Int>) -> Range<Int> {
        let start = origin[range.lowerBound]
        guard range.upperBound > range.lowerBound else { return start..<start }
        // The end is where the unit after the last decoded byte's unit starts.
        var end = range.upperBound
        let last = origin[range.upperBound - 1]
        while end < decoded.count, origin[end] == last { end += 1 }
        return start..<origin[end]
    }

    /// The scalar a backslash escape at `i` stands for and its raw length; `(nil, 1)` when the
    /// backslash starts no well-formed escape (it is then kept as a plain byte).
    private static func escape(in raw: [UInt8], at i: Int) -> (Unicode.Scalar?, Int) {
        guard i + 1 < raw.count else { return (nil, 1) }
        switch raw[i + 1] {
        case UInt8(ascii: "\""): return ("\"", 2)
        case UInt8(ascii: "\\"): return ("\\", 2)
        case UInt8(ascii: "/"): return ("/", 2)
        case UInt8(ascii: "b"): return ("\u{08}", 2)
        case UInt8(ascii: "f"): return ("\u{0C}", 2)
        case UInt8(ascii: "n"): return ("\n", 2)
        case UInt8(ascii: "r"): return ("\r", 2)
        case UInt8(ascii: "t"): return ("\t", 2)
        case UInt8(ascii: "u"):
            guard let unit = hex4(raw, at: i + 2) else { return (nil, 1) }
            if (0xD800..<0xDC00).contains(unit), i + 12 <= raw.count, raw[i + 6] == UInt8(ascii: "\\"), raw[i + 7] == UInt8(ascii: "u"),
                let low = hex4(raw, at: i + 8), (0xDC00..<0xE000).contains(low)
            {
                return (Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)), 12)
            }
            // A lone surrogate decodes to U+FFFD, as JSON parsers do; it spells no key byte.
            return (Unicode.Scalar(unit) ?? "\u{FFFD}", 6)
        default: return (nil, 1)
        }
    }

    private static func hex4(_ raw: [UInt8], at i: Int) -> UInt32? {
        guard i + 4 <= raw.count else { return nil }
        var value: UInt32 = 0
        for k in i..<i + 4 {
            let c = raw[k]
            let digit: UInt8
            switch c {
            case 0x30...0x39: digit = c - 0x30
            case 0x41...0x46: digit = c - 0x37
            case 0x61...0x66: digit = c - 0x57
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
