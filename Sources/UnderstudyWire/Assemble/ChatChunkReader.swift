import UnderstudyArchive

/// One `chat.completion.chunk` read straight from its bytes: only what
/// `ChatCompletionsAssembler` keeps, without a `JSONValue` tree per chunk (that tree was the
/// largest cost of recording a stream). Texts are byte ranges into the chunk, decoded only when
/// they hold escapes. The assembler keeps one reader and reuses its storage for every chunk.
///
/// Exactness comes first: `read` returns false for anything it does not read exactly as the
/// `JSONValue` path would (the data not a JSON object, an `error` member, a member name written
/// with escapes, a member the assembler reads given twice, a choice or tool call that is not an
/// object), and the caller then parses the data whole. Everything is validated as
/// `JSONCursor.parseValue` would: skipped values by `skipValue`, and those holding a backslash
/// also by `parseValue`, which is stricter about escapes.
///
/// `package`, not internal, so that the tests (a release build, not compiled for testing) can
/// compare its state chunk by chunk.
package struct ChatChunkReader: Sendable {
    /// A string member's text: a range of the chunk's bytes (between the quotes) when it has no
    /// escapes, the decoded string otherwise.
    package enum Text: Sendable, Equatable {
        case raw(Range<Int>)
        case decoded(String)

        /// Appends the text to `text`, which starts when it is nil.
        func append(from bytes: UnsafeBufferPointer<UInt8>, to text: inout [UInt8]?) {
            if text == nil { text = [] }
            append(from: bytes, to: &text!)
        }

        func append(from bytes: UnsafeBufferPointer<UInt8>, to text: inout [UInt8]) {
            switch self {
            case .raw(let range): text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
            case .decoded(let string): text.append(contentsOf: string.utf8)
            }
        }
    }

    package struct Call: Sendable, Equatable {
        /// `index`, else the call's position in `tool_calls`.
        var index: Int
        var id: JSONValue?
        var type: JSONValue?
        var name: Text?
        var arguments: Text?
    }

    package struct Choice: Sendable, Equatable {
        var index = 0
        var role: JSONValue?
        var content: Text?
        var refusal: Text?
        var calls: [Call] = []
        var finishReason: JSONValue?
    }

    /// Head member slots, in `ChatCompletionsAssembler.headNames` order.
    enum Slot: Int, CaseIterable {
        case id, created, model, serviceTier, systemFingerprint
    }

    /// The non-null head members of the last chunk read, as raw value ranges, by `Slot`.
    package private(set) var head: [Range<Int>?] = Array(repeating: nil, count: Slot.allCases.count)
    package private(set) var usage: JSONValue?
    package private(set) var choices: [Choice] = []

    /// Where the last chunk read holds its one text, when the next chunk may be read as a change
    /// of that text alone (`readChanged`): one choice whose only text is its content, or whose
    /// one tool call's only text is its arguments, every head value before it.
    private enum TextPlace {
        case content(Range<Int>)
        case arguments(Range<Int>)

        var range: Range<Int> {
            switch self {
            case .content(let range), .arguments(let range): range
            }
        }
    }

    private var previousText: TextPlace?
    /// The value (between its quotes) of the last chunk's padding: a string member that ends the
    /// chunk, after its text, and holds no escape. OpenAI's `obfuscation` member, random in every
    /// chunk unless the request sets `stream_options.include_obfuscation: false`; `readChanged`
    /// finds the next chunk's from its end and leaves it out of the comparison.
    private var previousPadding: Range<Int>?
    /// The length of the chunk `previousText` is in: a cheap guard against `previous` being
    /// another chunk. It cannot tell two chunks of one length apart; the caller's contract does
    /// (`ChatCompletionsAssembler` keeps the chunk itself), and debug builds check the bytes.
    private var previousCount = 0
    #if DEBUG
        /// The chunk `previousText` is in, to check `previous` against (debug builds only: a
        /// copy per chunk cost more than the comparison saves).
        private var previousBytes: [UInt8] = []
    #endif

    /// How many chunks `readChanged` took (tests check that the shortcut is taken).
    package private(set) var changedReads = 0

    private struct Unreadable: Error {}

    /// Reads `bytes` (one event's data) in place of the previous chunk; false when the JSON path
    /// must do it (what was read is then meaningless). `previous` must be the bytes of the last
    /// chunk this reader read (true), or empty; the caller keeps them (a copy per chunk cost
    /// more than the comparison).
    package init() {}

    package mutating func read(_ bytes: UnsafeBufferPointer<UInt8>, previous: UnsafeBufferPointer<UInt8>) -> Bool {
        let read = readChanged(bytes, previous: previous) || readWhole(bytes)
        if !read { previousText = nil }
        previousCount = bytes.count
        #if DEBUG
            previousBytes = Array(bytes)
        #endif
        return read
    }

    /// Reads a chunk that differs from the previous one only inside that one's single text (the
    /// next token of the same content or arguments, which is what nearly every chunk of a stream
    /// is) and, when the previous chunk ended with padding (`previousPadding`: OpenAI's random
    /// `obfuscation`), in that padding's value. Its other bytes are the previous chunk's, at the
    /// same offsets before the text and shifted after it, so everything read from them stays as it
    /// was (no range of them is kept after the text); only the text's range changes. The changed
    /// bytes must be what `text` reads as plain string content (no quote, backslash or control
    /// byte), the padding's too; else, or when other bytes changed, the chunk is read whole.
    /// (Tool-call arguments holding `\"` are whole reads: see the Wire README, "Assembly cost".)
    /// A walk of every member and value per chunk was most of what recording a stream cost.
    private mutating func readChanged(
        _ bytes: UnsafeBufferPointer<UInt8>, previous: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        guard let place = previousText, previous.count == previousCount else { return false }
        #if DEBUG
            assert(previous.elementsEqual(previousBytes), "`previous` is not the chunk read last")
        #endif
        let text = place.range
        // With padding, both chunks are compared up to their padding's value: what follows it
        // must be the same bytes (its closing quote, the object's end).
        var data = bytes
        var last = previous
        var padding: Range<Int>?
        if let old = previousPadding {
            guard let new = Self.padding(in: bytes, before: UnsafeBufferPointer(rebasing: previous[old.upperBound...]))
            else { return false }
            data = UnsafeBufferPointer(rebasing: bytes[..<new.lowerBound])
            last = UnsafeBufferPointer(rebasing: previous[..<old.lowerBound])
            padding = new
        }
        let (prefix, suffix) = SharedEnds.split(data, last)
        // The previous text's opening quote is in the shared prefix, its closing quote in the
        // shared suffix.
        guard prefix >= text.lowerBound, last.count - suffix <= text.upperBound else { return false }
        for i in prefix..<(data.count - suffix) {
            let byte = data[i]
            guard byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\"), byte >= 0x20 else { return false }
        }
        let changed = text.lowerBound..<(data.count - (last.count - text.upperBound))
        previousPadding = padding
        switch place {
        case .content:
            choices[0].content = .raw(changed)
            previousText = .content(changed)
        case .arguments:
            choices[0].calls[0].arguments = .raw(changed)
            previousText = .arguments(changed)
        }
        changedReads += 1
        return true
    }

    /// Where the padding value of a chunk that ends with `tail` (the bytes after the previous
    /// chunk's padding value) lies: back from `tail` to the value's opening quote, over plain
    /// string bytes only. Nil when `bytes` do not end so.
    private static func padding(in bytes: UnsafeBufferPointer<UInt8>, before tail: UnsafeBufferPointer<UInt8>)
        -> Range<Int>?
    {
        guard bytes.count > tail.count, let base = bytes.baseAddress, let tailBase = tail.baseAddress,
            memcmp(base + (bytes.count - tail.count), tailBase, tail.count) == 0
        else { return nil }
        let end = bytes.count - tail.count
        var start = end
        while start > 0 {
            let byte = bytes[start - 1]
            if byte == UInt8(ascii: "\"") { return start..<end }
            guard byte != UInt8(ascii: "\\"), byte >= 0x20 else { return nil }
            start -= 1
        }
        return nil
    }

    /// The chunk just read's one text, if `readChanged` can take the next chunk from it.
    private func onlyText() -> TextPlace? {
        guard choices.count == 1, choices[0].refusal == nil else { return nil }
        let place: TextPlace
        switch (choices[0].content, choices[0].calls.count) {
        case (.raw(let range)?, 0):
            place = .content(range)
        case (nil, 1):
            guard choices[0].calls[0].name == nil, case .raw(let range)? = choices[0].calls[0].arguments else {
                return nil
            }
            place = .arguments(range)
        default:
            return nil
        }
        for range in head { if let range, range.upperBound > place.range.lowerBound { return nil } }
        return place
    }

    /// Reads `bytes` member by member.
    private mutating func readWhole(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for slot in head.indices { head[slot] = nil }
        usage = nil
        previousPadding = nil
        // The last member's value when it is an escape-free string named `obfuscation`.
        var padding: Range<Int>?
        choices.removeAll(keepingCapacity: true)
        var cursor = JSONCursor(bytes)
        do {
            guard Self.peek(cursor) == UInt8(ascii: "{") else { return false }
            var seen: UInt32 = 0
            try Self.members(&cursor) { (c, key) throws in
                padding = nil
                if let slot = Self.headSlot(key) {
                    try Self.once(slot.rawValue, &seen)
                    let range = try Self.skip(&c, depth: 1)
                    if !Self.equal(UnsafeBufferPointer(rebasing: bytes[range]), "null") { head[slot.rawValue] = range }
                } else if Self.equal(key, "choices") {
                    try Self.once(8, &seen)
                    guard Self.peek(c) == UInt8(ascii: "[") else {
                        _ = try Self.skip(&c, depth: 1)
                        return
                    }
                    try c.forEachElement { (c) throws(JSONParseError) in
                        guard let choice = try? Self.readChoice(&c) else { throw c.error("not read here") }
                        choices.append(choice)
                    }
                } else if Self.equal(key, "usage") {
                    try Self.once(9, &seen)
                    let value = try c.parseValue(depth: 1)
                    if !value.isNull { usage = value }
                } else if Self.equal(key, "error") {
                    throw Unreadable()
                } else {
                    let range = try Self.skip(&c, depth: 1)
                    if Self.equal(key, "obfuscation"), bytes[range.lowerBound] == UInt8(ascii: "\""),
                        !Self.hasBackslash(bytes, range)
                    {
                        padding = (range.lowerBound + 1)..<(range.upperBound - 1)
                    }
                }
            }
            cursor.skipWhitespace()
            guard cursor.isAtEnd else { return false }
            previousText = onlyText()
            if let text = previousText, let found = padding, found.lowerBound > text.range.upperBound {
                previousPadding = found
            }
            return true
        } catch {
            return false
        }
    }

    private static func headSlot(_ key: UnsafeBufferPointer<UInt8>) -> Slot? {
        switch key.count {
        case 2: equal(key, "id") ? .id : nil
        case 5: equal(key, "model") ? .model : nil
        case 7: equal(key, "created") ? .created : nil
        case 12: equal(key, "service_tier") ? .serviceTier : nil
        case 18: equal(key, "system_fingerprint") ? .systemFingerprint : nil
        default: nil
        }
    }

    private static func readChoice(_ c: inout JSONCursor) throws -> Choice {
        guard peek(c) == UInt8(ascii: "{") else { throw Unreadable() }
        var choice = Choice()
        var seen: UInt32 = 0
        try members(&c) { (c, key) throws in
            if equal(key, "index") {
                try once(0, &seen)
                choice.index = try int(&c, depth: 3) ?? 0
            } else if equal(key, "delta") {
                try once(1, &seen)
                guard peek(c) == UInt8(ascii: "{") else {
                    _ = try skip(&c, depth: 3)
                    return
                }
                try readDelta(&c, into: &choice)
            } else if equal(key, "finish_reason") {
                try once(2, &seen)
                let value = try c.parseValue(depth: 3)
                if !value.isNull { choice.finishReason = value }
            } else {
                _ = try skip(&c, depth: 3)
            }
        }
        return choice
    }

    private static func readDelta(_ c: inout JSONCursor, into choice: inout Choice) throws {
        var seen: UInt32 = 0
        try members(&c) { (c, key) throws in
            if equal(key, "content") {
                try once(1, &seen)
                choice.content = try text(&c, depth: 4)
            } else if equal(key, "role") {
                try once(0, &seen)
                let value = try c.parseValue(depth: 4)
                if !value.isNull { choice.role = value }
            } else if equal(key, "refusal") {
                try once(2, &seen)
                choice.refusal = try text(&c, depth: 4)
            } else if equal(key, "tool_calls") {
                try once(3, &seen)
                guard peek(c) == UInt8(ascii: "[") else {
                    _ = try skip(&c, depth: 4)
                    return
                }
                var position = 0
                try c.forEachElement { (c) throws(JSONParseError) in
                    guard let call = try? readCall(&c, position: position) else { throw c.error("not read here") }
                    choice.calls.append(call)
                    position += 1
                }
            } else {
                _ = try skip(&c, depth: 4)
            }
        }
    }

    private static func readCall(_ c: inout JSONCursor, position: Int) throws -> Call {
        guard peek(c) == UInt8(ascii: "{") else { throw Unreadable() }
        var call = Call(index: position)
        var seen: UInt32 = 0
        try members(&c) { (c, key) throws in
            if equal(key, "index") {
                try once(0, &seen)
                call.index = try int(&c, depth: 6) ?? position
            } else if equal(key, "id") {
                try once(1, &seen)
                let value = try c.parseValue(depth: 6)
                if !value.isNull { call.id = value }
            } else if equal(key, "type") {
                try once(2, &seen)
                let value = try c.parseValue(depth: 6)
                if !value.isNull { call.type = value }
            } else if equal(key, "function") {
                try once(3, &seen)
                guard peek(c) == UInt8(ascii: "{") else {
                    _ = try skip(&c, depth: 6)
                    return
                }
                var functionSeen: UInt32 = 0
                try members(&c) { (c, key) throws in
                    if equal(key, "arguments") {
                        try once(1, &functionSeen)
                        call.arguments = try text(&c, depth: 7)
                    } else if equal(key, "name") {
                        try once(0, &functionSeen)
                        call.name = try text(&c, depth: 7)
                    } else {
                        _ = try skip(&c, depth: 7)
                    }
                }
            } else {
                _ = try skip(&c, depth: 6)
            }
        }
        return call
    }

    // MARK: Cursor steps

    /// Walks an object's members, handing each raw member name (the bytes between the quotes);
    /// `body` consumes the value. A name holding an escape could spell a known name: not read here.
    private static func members(
        _ c: inout JSONCursor, _ body: (inout JSONCursor, UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        // Punctuation and names are read here, not through the cursor: a call into another
        // module per token was most of this walk.
        let bytes = c.bytes
        var i = nonSpace(bytes, c.position)
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { throw Unreadable() }
        i = nonSpace(bytes, i + 1)
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            c = JSONCursor(bytes, position: i + 1)
            return
        }
        while true {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw Unreadable() }
            var end = i + 1
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                // Escapes, and control bytes (which the parser refuses), go to the JSON path.
                guard bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 else { throw Unreadable() }
                end += 1
            }
            guard end < bytes.count else { throw Unreadable() }
            let key = UnsafeBufferPointer(rebasing: bytes[(i + 1)..<end])
            i = nonSpace(bytes, end + 1)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw Unreadable() }
            c = JSONCursor(bytes, position: i + 1)
            try body(&c, key)
            i = nonSpace(bytes, c.position)
            guard i < bytes.count else { throw Unreadable() }
            switch bytes[i] {
            case UInt8(ascii: ","): i = nonSpace(bytes, i + 1)
            case UInt8(ascii: "}"):
                c = JSONCursor(bytes, position: i + 1)
                return
            default: throw Unreadable()
            }
        }
    }

    /// The first offset at or after `i` that is not JSON whitespace.
    @inline(__always)
    private static func nonSpace(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        var i = i
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return i
            }
        }
        return i
    }

    /// The next value's first byte, the cursor left where it is.
    @inline(__always)
    private static func peek(_ c: JSONCursor) -> UInt8? {
        let i = nonSpace(c.bytes, c.position)
        return i < c.bytes.count ? c.bytes[i] : nil
    }

    /// Skips a value as `parseValue` would accept it: `skipValue` lets malformed escapes through,
    /// so a value holding a backslash is parsed as well.
    private static func skip(_ c: inout JSONCursor, depth: Int) throws -> Range<Int> {
        let range = try c.skipValue(depth: depth)
        if hasBackslash(c.bytes, range) {
            var check = JSONCursor(c.bytes, position: range.lowerBound)
            _ = try check.parseValue(depth: depth)
        }
        return range
    }

    /// A member the assembler reads as `stringValue`: its text when it is a string, else nil.
    private static func text(_ c: inout JSONCursor, depth: Int) throws -> Text? {
        guard peek(c) == UInt8(ascii: "\"") else {
            _ = try skip(&c, depth: depth)
            return nil
        }
        // Most texts have no escapes: found in one pass, without the cursor.
        let bytes = c.bytes
        let start = nonSpace(bytes, c.position)
        var end = start + 1
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") {
                c = JSONCursor(bytes, position: end + 1)
                return .raw((start + 1)..<end)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            end += 1
        }
        let range = try c.skipValue(depth: depth)
        let inner = (range.lowerBound + 1)..<(range.upperBound - 1)
        guard hasBackslash(c.bytes, inner) else { return .raw(inner) }
        var decoder = JSONCursor(c.bytes, position: start)
        return .decoded(try decoder.parseString())
    }

    /// Refuses a member seen before in the same object: the JSON path reads the first of
    /// duplicates, this reader would read the last.
    private static func once(_ slot: Int, _ seen: inout UInt32) throws {
        guard seen & (1 << slot) == 0 else { throw Unreadable() }
        seen |= 1 << slot
    }

    /// An integer member as `JSONValue.intValue` reads it; a lone digit without building a value.
    private static func int(_ c: inout JSONCursor, depth: Int) throws -> Int? {
        let start = c.position
        if let digit = peek(c), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) {
            let range = try c.skipValue(depth: depth)
            if range.count == 1 { return Int(digit - UInt8(ascii: "0")) }
            c = JSONCursor(c.bytes, position: start)
        }
        return try c.parseValue(depth: depth).intValue
    }

    private static func hasBackslash(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard let base = bytes.baseAddress, !range.isEmpty else { return false }
        return memchr(base + range.lowerBound, 0x5C, range.count) != nil
    }

    /// Whether `bytes` are exactly `name`'s (member names here, SSE field names in `SSEParser`).
    @inline(__always)
    static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        guard bytes.count == name.utf8CodeUnitCount, let base = bytes.baseAddress else { return false }
        return memcmp(base, name.utf8Start, bytes.count) == 0
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
