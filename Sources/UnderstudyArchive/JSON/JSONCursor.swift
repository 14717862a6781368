/// A forward-only JSON reader over a byte buffer. Besides building `JSONValue`s it can skip a
/// value and hand back its raw byte range, which is how the archive keeps request and response
/// bodies byte for byte while still decoding the record around them.
///
/// The buffer must outlive the cursor: use it inside `withUnsafeBufferPointer`.
public struct JSONCursor {
    public let bytes: UnsafeBufferPointer<UInt8>
    public internal(set) var position: Int
    /// Whether what was read is in compact form, when asked (`JSONCursor+CompactSpelling.swift`).
    var spelling = CompactSpelling.unchecked
    /// Nesting deeper than this is refused, so hostile input cannot exhaust the stack.
    public static let maximumDepth = 512

    public init(_ bytes: UnsafeBufferPointer<UInt8>, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    public var isAtEnd: Bool { position >= bytes.count }

    public func error(_ reason: String) -> JSONParseError { JSONParseError(offset: position, reason: reason) }

    public mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09:
                position += 1
                noteWhitespace()
            default: return
            }
        }
    }

    /// The next non-whitespace byte, not consumed. Inlined for the usual case, a token right at
    /// the cursor (compact JSON has no whitespace at all): the walks call it before every token,
    /// and as a call it was a few percent of the recorder thread's samples (Recorder
    /// MEASUREMENTS.md, seventeenth session, engineer rec7). `@inlinable` so that UnderstudyWire's
    /// walks (`AnswerReader`'s usage and model members) inline it too rather than call it.
    @inlinable @inline(__always)
    public mutating func peek() -> UInt8? {
        if position < bytes.count {
            let byte = bytes[position]
            if byte > 0x20 { return byte }  // nothing above 0x20 is JSON whitespace
        }
        return peekPastWhitespace()
    }

    @usableFromInline
    mutating func peekPastWhitespace() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    @inline(__always)
    public mutating func expect(_ byte: UInt8) throws(JSONParseError) {
        guard peek() == byte else { throw expected(byte) }
        position += 1
    }

    private func expected(_ byte: UInt8) -> JSONParseError {
        error("expected '\(Character(Unicode.Scalar(byte)))'")
    }

    /// Parses one complete value.
    public mutating func parseValue(depth: Int = 0) throws(JSONParseError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth)") }
        guard let byte = peek() else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"):
            var members: [JSONMember] = []
            try forEachMember { (cursor, key) throws(JSONParseError) in
                members.append(JSONMember(key, try cursor.parseValue(depth: depth + 1)))
            }
            return .object(members)
        case UInt8(ascii: "["):
            var elements: [JSONValue] = []
            try forEachElement { (cursor) throws(JSONParseError) in
                elements.append(try cursor.parseValue(depth: depth + 1))
            }
            return .array(elements)
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default:
            return .number(try parseNumber())
        }
    }

    /// Skips one complete value, validating it, and returns its raw byte range.
    public mutating func skipValue(depth: Int = 0) throws(JSONParseError) -> Range<Int> {
        guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth)") }
        guard let byte = peek() else { throw error("unexpected end of input") }
        let start = position
        switch byte {
        case UInt8(ascii: "{"):
            try skipObject(depth: depth)
        case UInt8(ascii: "["):
            try forEachElement { (cursor) throws(JSONParseError) in _ = try cursor.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""):
            try skipString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try scanNumber()
        }
        return start..<position
    }

    /// `forEachMember` without building a `String` per member name: validation (every recorded
    /// body is checked) skips names the way it skips string values.
    private mutating func skipObject(depth: Int) throws(JSONParseError) {
        try walkMembers(.skip) { (cursor, _) throws(JSONParseError) in _ = try cursor.skipValue(depth: depth + 1) }
    }

    /// Walks the members of an object; `body` must consume each member's value.
    public mutating func forEachMember(
        _ body: (inout JSONCursor, String) throws(JSONParseError) -> Void
    ) throws(JSONParseError) {
        try walkMembers(.decode) { (cursor, name) throws(JSONParseError) in try body(&cursor, name.key ?? "") }
    }

    /// How `walkMembers` reads member names.
    enum NameReading {
        /// Validated as string values are by `skipValue`; not decoded.
        case skip
        /// Decoded into `MemberName.key` (as strictly as `parseString`).
        case decode
        /// Checked as strictly as `parseString`, not decoded: `MemberName.range` and `plain`.
        case raw
    }

    /// A member's name as `walkMembers` read it: the bytes between its quotes, whether they hold
    /// no escape and no non-ASCII byte (`.raw` only; else false), and the decoded name (`.decode`).
    struct MemberName {
        var range: Range<Int>
        var plain = false
        var key: String?
    }

    /// The object walk behind `forEachMember`, `forEachMemberName` and `skipObject`.
    mutating func walkMembers(
        _ reading: NameReading, _ body: (inout JSONCursor, MemberName) throws(JSONParseError) -> Void
    ) throws(JSONParseError) {
        guard try open(UInt8(ascii: "{"), UInt8(ascii: "}")) else { return }
        while true {
            // The same checks, in the same order, as `skipObjectStrictly` (JSONCursor+Names.swift),
            // which writes this loop out without closures: keep the two in step.
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let start = position + 1
            var name = MemberName(range: start..<start)
            switch reading {
            case .skip: try skipString()
            case .decode: name.key = try parseString()
            case .raw: name.plain = try skipStringStrictly()
            }
            name.range = start..<(position - 1)
            try expect(UInt8(ascii: ":"))
            try body(&self, name)
            guard try passSeparator(UInt8(ascii: "}")) else { return }
        }
    }

    /// Moves past the container's opening byte `open` (after whitespace), and its `close` too
    /// when nothing is inside; returns whether elements or members follow.
    @inline(__always)
    mutating func open(_ open: UInt8, _ close: UInt8) throws(JSONParseError) -> Bool {
        try expect(open)
        guard peek() == close else { return true }
        position += 1
        return false
    }

    /// After a member's value or an array's element: moves past `,` (true: another follows) or the
    /// container's `close` byte (false: it ended).
    @inline(__always)
    mutating func passSeparator(_ close: UInt8) throws(JSONParseError) -> Bool {
        switch peek() {
        case UInt8(ascii: ","):
            position += 1
            return true
        case close:
            position += 1
            return false
        default:
            throw error(close == UInt8(ascii: "}") ? "expected ',' or '}' in object" : "expected ',' or ']' in array")
        }
    }

    /// Walks the elements of an array; `body` must consume each element.
    public mutating func forEachElement(_ body: (inout JSONCursor) throws(JSONParseError) -> Void) throws(JSONParseError) {
        guard try open(UInt8(ascii: "["), UInt8(ascii: "]")) else { return }
        while true {
            try body(&self)
            guard try passSeparator(UInt8(ascii: "]")) else { return }
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw error("unexpected end of input") }
        for i in 0..<count where bytes[position + i] != word.utf8Start[i] {
            throw error("invalid literal")
        }
        position += count
    }

    public mutating func parseNumber() throws(JSONParseError) -> String {
        let start = position
        try scanNumber()
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    /// Moves past a number, validating its grammar.
    private mutating func scanNumber() throws(JSONParseError) {
        let start = position
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        let intStart = position
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
        guard position > intStart else { throw JSONParseError(offset: start, reason: "unexpected character") }
        if bytes[intStart] == UInt8(ascii: "0"), position - intStart > 1 {
            throw JSONParseError(offset: start, reason: "leading zero in number")
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            let fracStart = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            guard position > fracStart else { throw error("digit expected after '.'") }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            let expStart = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            guard position > expStart else { throw error("digit expected in exponent") }
        }
    }

    private mutating func skipString() throws(JSONParseError) {
        if skipCompactString() != nil { return }
        let start = position
        position += 1
        while position < bytes.count {
            position = JSONValue.plainRunEnd(bytes, from: position)
            guard position < bytes.count else { break }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return
            } else if byte == UInt8(ascii: "\\") {
                position += 2
            } else if byte < 0x20 {
                throw error("control character in string")
            } else {
                position += 1
            }
        }
        throw JSONParseError(offset: start, reason: "unterminated string")
    }

    /// Parses a string starting at the opening quote.
    public mutating func parseString() throws(JSONParseError) -> String {
        checkCompactString()
        let start = position
        position += 1
        let contentStart = position
        // Fast path: no escapes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[contentStart..<position]), as: UTF8.self)
                position += 1
                return s
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in string") }
            position += 1
        }
        guard position < bytes.count else { throw JSONParseError(offset: start, reason: "unterminated string") }
        var out = [UInt8](UnsafeBufferPointer(rebasing: bytes[contentStart..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                position += 1
                guard position < bytes.count else { break }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), position + 6 <= bytes.count,
                        bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
                    {
                        let save = position
                        position += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            position = save
                        }
                    }
                    // Lone surrogates become U+FFFD, as in most decoders.
                    let unicode = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw JSONParseError(offset: position - 2, reason: "invalid escape")
                }
            default:
                if byte < 0x20 { throw error("control character in string") }
                out.append(byte)
                position += 1
            }
        }
        throw JSONParseError(offset: start, reason: "unterminated string")
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[position]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }
}

extension JSONValue {
    /// Parses a complete JSON text; trailing non-whitespace is an error.
    /// `depth`: the nesting the value will sit at where it is used (an assembled message is a
    /// member of a record line's `llm`: `Exchange.LLMInfo.assembledDepth`), so a value accepted
    /// here also parses there.
    public init(parsing bytes: some Collection<UInt8>, depth: Int = 0) throws(JSONParseError) {
        // Contiguous input (arrays, native strings' UTF-8: every recorded SSE event) is parsed
        // in place, without a copy per call.
        let result =
            bytes.withContiguousStorageIfAvailable { Self.parseWhole(buffer: $0, depth: depth) }
            ?? Array(bytes).withUnsafeBufferPointer { Self.parseWhole(buffer: $0, depth: depth) }
        self = try result.get()
    }

    private static func parseWhole(buffer: UnsafeBufferPointer<UInt8>, depth: Int) -> Result<JSONValue, JSONParseError> {
        var cursor = JSONCursor(buffer)
        do {
            let value = try cursor.parseValue(depth: depth)
            cursor.skipWhitespace()
            if !cursor.isAtEnd { return .failure(cursor.error("trailing characters after JSON value")) }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    public init(parsing text: String) throws(JSONParseError) {
        try self.init(parsing: text.utf8)
    }

    /// Whether `bytes` hold exactly one valid JSON value (surrounding whitespace allowed).
    public static func isValid(_ bytes: some Collection<UInt8>) -> Bool {
        // Contiguous input (arrays, native strings' UTF-8) is checked in place, without a copy.
        if let answer = bytes.withContiguousStorageIfAvailable(isValid(buffer:)) { return answer }
        return Array(bytes).withUnsafeBufferPointer(isValid(buffer:))
    }

    private static func isValid(buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        var cursor = JSONCursor(buffer)
        guard (try? cursor.skipValue()) != nil else { return false }
        cursor.skipWhitespace()
        return cursor.isAtEnd
    }
}
