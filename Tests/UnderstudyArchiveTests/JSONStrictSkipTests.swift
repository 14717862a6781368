import Testing
import UnderstudyArchive

/// `JSONCursor.skipValueStrictly` skips the recorder's usage and model members (`AnswerReader`)
/// and must accept and refuse exactly what `parseValue` does, stop at the same byte and fail with
/// the same error: an answer it accepted that a parse refuses would be recorded as an assembled
/// message no record line can hold; one it refused would lose its usage and model. Its object
/// and array walks are loops of their own, not the closures `parseValue` walks with, so each
/// case here is read both ways: malformed separators and names, whitespace before and after
/// every token, bytes that are not JSON whitespace, and nesting at the depth limit. Each is read
/// with and without compact spelling tracked (the recorder tracks it), and the tracked verdicts
/// must agree too.
struct JSONStrictSkipTests {
    /// What reading one value from the start of some bytes did: the position the cursor stopped
    /// at or the error, and with spelling tracked, whether what it read was in compact form.
    private struct Outcome: Equatable {
        var end: Result<Int, JSONParseError>
        var compact: Bool?
    }

    private static func read(_ bytes: [UInt8], depth: Int, tracking: Bool, strictly: Bool) -> Outcome {
        bytes.withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(buffer, checkingCompactSpelling: tracking)
            do throws(JSONParseError) {
                if strictly {
                    try cursor.skipValueStrictly(depth: depth)
                } else {
                    _ = try cursor.parseValue(depth: depth)
                }
            } catch {
                return Outcome(end: .failure(error))
            }
            return Outcome(end: .success(cursor.position), compact: tracking ? cursor.isCompactSoFar : nil)
        }
    }

    /// Reads `bytes` (from `depth`) with the strict skip and with the parse, with and without
    /// spelling tracked, expects the skip to do what the parse did, and returns what the parse did
    /// with spelling tracked.
    private static func readBothWays(_ bytes: [UInt8], depth: Int = 0) -> Outcome {
        let text = String(decoding: bytes, as: UTF8.self).debugDescription
        var parsed = Outcome(end: .success(0))
        for tracking in [false, true] {
            parsed = read(bytes, depth: depth, tracking: tracking, strictly: false)
            let skipped = read(bytes, depth: depth, tracking: tracking, strictly: true)
            #expect(skipped == parsed, "\(text) from depth \(depth), spelling tracked: \(tracking)")
        }
        return parsed
    }

    private static func accepted(_ outcome: Outcome) -> Bool {
        if case .success = outcome.end { return true }
        return false
    }

    /// Separators where JSON has none or misses one, names that are not strings, and a form feed
    /// (whitespace in some languages, not in JSON) before a separator: refused alike, at the same
    /// byte for the same reason, on their own and inside an object's value and an array.
    @Test func malformedContainersAreRefusedAlike() {
        let refused = [
            #"{"a":1,}"#, "[1,]", "[,]", "{,}", "{1:2}", #"{"a" 1}"#, #"{"a":1 "b":2}"#, "[1 2]", "[1\u{0C}]",
            "[1,,2]", #"{"a":1,,"b":2}"#, #"{"a":}"#, #"{"a"}"#, "[1", #"{"a":1"#, "{", "[", "]", "}",
            // Strings, names included, are checked as strictly as the parse decodes them.
            #""\x""#, #""\u12G4""#, "\"tab\there\"", #""unterminated"#, #"{"\q":1}"#, #"["a","\"#,
        ]
        let fine = ["{ }", "[ ]", "{}", "[]", #"{"a":[1,{"b":{}}]}"#]
        for (texts, accept) in [(refused, false), (fine, true)] {
            for text in texts {
                for wrapped in [text, #"{"k":"# + text + "}", "[0," + text + "]"] {
                    let bytes = Array(wrapped.utf8)
                    let outcome = Self.readBothWays(bytes)
                    #expect(Self.accepted(outcome) == accept, "\(wrapped.debugDescription): \(outcome)")
                    if accept { #expect(outcome.end == .success(bytes.count), "\(wrapped.debugDescription)") }
                }
            }
        }
    }

    /// Nested values as their tokens: objects and arrays inside each other, empty ones, names,
    /// strings, numbers and literals; each joined without whitespace is in compact form.
    private static let tokenizedValues: [[String]] = [
        [
            "{", #""a""#, ":", "[", "1", ",", "{", #""b""#, ":", #""c""#, "}", ",", "[", "true", ",", "null", ",",
            "[", "]", "]", "]", ",", #""d""#, ":", "{", "}", ",", #""e""#, ":", "-2.5", "}",
        ],
        ["[", "{", #""a""#, ":", "[", "]", "}", ",", #""s""#, ",", "0", ",", "[", "[", "false", "]", "]", "]"],
    ]

    /// Tab, line feed, carriage return and space, before and after every token, one at a time and
    /// all at once: skipped alike, and the value ends where the parse ends it (before whitespace
    /// after it). Whitespace inside the value means it is not in compact form.
    @Test func whitespaceAroundEveryTokenIsSkippedAlike() {
        let whitespace = ["\t", "\n", "\r", " "]
        for tokens in Self.tokenizedValues {
            let compact = Self.readBothWays(Array(tokens.joined().utf8))
            #expect(compact.compact == true, "\(tokens.joined())")
            for gap in 0...tokens.count {
                let trailing = gap == tokens.count
                for space in whitespace + [whitespace.joined()] {
                    var spaced = tokens
                    spaced.insert(space, at: gap)
                    let bytes = Array(spaced.joined().utf8)
                    let outcome = Self.readBothWays(bytes)
                    let end = bytes.count - (trailing ? space.utf8.count : 0)
                    #expect(outcome.end == .success(end), "\(spaced.joined().debugDescription)")
                    #expect(outcome.compact == trailing, "\(spaced.joined().debugDescription)")
                }
            }
            let everywhere = whitespace.joined()
            let bytes = Array((everywhere + tokens.joined(separator: everywhere) + everywhere).utf8)
            #expect(Self.readBothWays(bytes).end == .success(bytes.count - everywhere.utf8.count))
        }
    }

    /// Bytes that are not JSON whitespace (form feed, vertical tab, a no-break space's bytes) in
    /// the same places: refused alike wherever the value goes on after them; after the value they
    /// are not read.
    @Test func bytesThatAreNotWhitespaceAreRefusedAlike() {
        for tokens in Self.tokenizedValues {
            for gap in 0...tokens.count {
                for stray in ["\u{0C}", "\u{0B}", "\u{A0}"] {
                    var spaced = tokens
                    spaced.insert(stray, at: gap)
                    let bytes = Array(spaced.joined().utf8)
                    let outcome = Self.readBothWays(bytes)
                    if gap == tokens.count {
                        #expect(outcome.end == .success(bytes.count - stray.utf8.count), "\(spaced.joined().debugDescription)")
                    } else {
                        #expect(!Self.accepted(outcome), "\(spaced.joined().debugDescription)")
                    }
                }
            }
        }
    }

    /// A value whose deepest value sits `deepest` levels below it: arrays, objects or both around
    /// a number or an empty container, with or without whitespace between the levels.
    private static func nested(deepest: Int, objects: Bool, arrays: Bool, emptyInside: Bool, spaced: Bool) -> [UInt8] {
        let space = spaced ? " " : ""
        let containers = emptyInside ? deepest + 1 : deepest
        var opening = ""
        var closing = ""
        for level in 0..<containers {
            let object = objects && (!arrays || level % 2 == 0)
            if emptyInside, level == containers - 1 {
                opening += object ? "{" + space + "}" : "[" + space + "]"
            } else {
                opening += object ? "{" + space + #""a""# + space + ":" + space : "[" + space
                closing = space + (object ? "}" : "]") + closing
            }
        }
        return Array((opening + (emptyInside ? "" : "0") + closing).utf8)
    }

    /// One level below the maximum depth (counted from where the read starts) is read, the
    /// maximum is refused, alike and with the same error.
    @Test func nestingIsRefusedAtTheSameDepth() {
        for start in [0, 1] {
            for deepest in [JSONCursor.maximumDepth - 1 - start, JSONCursor.maximumDepth - start] {
                let accept = start + deepest < JSONCursor.maximumDepth
                for (objects, arrays) in [(false, true), (true, false), (true, true)] {
                    for emptyInside in [false, true] {
                        for spaced in [false, true] {
                            let bytes = Self.nested(
                                deepest: deepest, objects: objects, arrays: arrays, emptyInside: emptyInside,
                                spaced: spaced)
                            let outcome = Self.readBothWays(bytes, depth: start)
                            let shape = "\(String(decoding: bytes.prefix(24), as: UTF8.self))… from depth \(start)"
                            #expect(Self.accepted(outcome) == accept, "\(shape), deepest \(deepest): \(outcome)")
                            if accept { #expect(outcome.end == .success(bytes.count), "\(shape)") }
                        }
                    }
                }
            }
        }
    }
}
