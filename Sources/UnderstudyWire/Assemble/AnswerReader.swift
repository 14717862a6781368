import UnderstudyArchive

/// Reads what a record needs from an unstreamed answer's bytes, its token usage and the model, in
/// one validating pass that builds no `JSONValue` and no `String` per member name: names are
/// compared as bytes, the usage counts are read as numbers, every other value is skipped. (It
/// used to build `usage` and `model` as values from a walk with a `String` per name: ~40% of the
/// recorder thread on a plain JSON answer.) The same walk tells whether the body is in compact
/// form (`JSONCursor(_:checkingCompactSpelling:)`), which was a second pass over it.
///
/// It accepts and refuses exactly what that walk did: the body is one valid JSON value; the
/// members that usage and model come from (`usage`, `usageMetadata`, `model`, `modelVersion`,
/// every occurrence) and every top-level name are checked as strictly as a full parse checks
/// them (string escapes included), other values as `JSONCursor.skipValue` checks them. The
/// first member of a name counts, as `JSONValue`'s subscript has it.
enum AnswerReader {
    struct Facts: Equatable {
        var usage: Exchange.Usage?
        var model: String?
        /// Whether the body is in the archive writer's compact form (`JSONValue.isCompactForm`),
        /// learnt in the same walk: the record can then hold the body as its assembled message.
        var compact = false
    }

    /// The depth of the answer itself: where a record line holds it as `llm.assembled`, so an
    /// answer this walk accepts is one the line's reader parses too.
    static let top = Exchange.LLMInfo.assembledDepth

    /// What the answer `body` reports, nil when it is not one valid JSON value. `wantModel`:
    /// whether the model is needed (the request usually named it already); when not, it is only
    /// validated.
    static func read(_ body: [UInt8], api: LLMEndpoint.API, wantModel: Bool) -> Facts? {
        body.withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(buffer, checkingCompactSpelling: true)
            var reading = Reading(keys: UsageKeys(api: api), wantModel: wantModel)
            do {
                if cursor.peek() == UInt8(ascii: "{") {
                    try cursor.forEachMemberName { (c, name, plain) throws(JSONParseError) in
                        try reading.member(&c, name: name, plain: plain)
                    }
                } else {
                    _ = try cursor.skipValue(depth: top)
                }
            } catch {
                return nil
            }
            cursor.skipWhitespace()
            guard cursor.isAtEnd else { return nil }
            var facts = reading.facts
            facts.compact = cursor.isCompactSoFar
            return facts
        }
    }

    /// A usage count as `JSONValue.number(text).intValue` reads the number `bytes` spell (a
    /// valid JSON number): plain integers of up to 18 digits, the usual case, straight from their
    /// digits, which always fit an `Int` and read as `Int(text)` reads them; anything else
    /// (fractions, exponents, more digits) through that reading. Without the `String` and the
    /// generic parse per count, the usage member took about a quarter less of the recording
    /// threads' time (5.4% → 4.0% of their profile samples; Recorder MEASUREMENTS.md, twelfth
    /// session, engineer "json").
    static func count(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let negative = bytes.first == UInt8(ascii: "-")
        let digits = negative ? bytes.count - 1 : bytes.count
        if digits > 0, digits <= 18 {
            var value = 0
            var plain = true
            for byte in bytes[(negative ? 1 : 0)...] {
                let digit = byte &- UInt8(ascii: "0")
                guard digit < 10 else {
                    plain = false
                    break
                }
                value = value &* 10 &+ Int(digit)
            }
            if plain { return negative ? -value : value }
        }
        return JSONValue.number(String(decoding: bytes, as: UTF8.self)).intValue
    }

    /// The top-level names that matter.
    private enum Name {
        case usage, usageMetadata, model, modelVersion, other

        init(_ c: JSONCursor, _ range: Range<Int>, plain: Bool) throws(JSONParseError) {
            if plain {
                // First bytes first: most names are none of these.
                guard let first = range.first.map({ c.bytes[$0] }),
                    first == UInt8(ascii: "u") || first == UInt8(ascii: "m")
                else {
                    self = .other
                    return
                }
                if c.bytes(range, equal: "usage") {
                    self = .usage
                } else if c.bytes(range, equal: "model") {
                    self = .model
                } else if c.bytes(range, equal: "usageMetadata") {
                    self = .usageMetadata
                } else if c.bytes(range, equal: "modelVersion") {
                    self = .modelVersion
                } else {
                    self = .other
                }
                return
            }
            // Escapes or non-ASCII bytes: the decoded name decides, compared as strings were.
            var decoder = JSONCursor(c.bytes, position: range.lowerBound - 1)
            switch try decoder.parseString() {
            case "usage": self = .usage
            case "usageMetadata": self = .usageMetadata
            case "model": self = .model
            case "modelVersion": self = .modelVersion
            default: self = .other
            }
        }
    }

    private struct Reading {
        let keys: UsageKeys
        let wantModel: Bool
        var usageSeen = false
        var usageIsNull = false
        var counts = UsageKeys.Counts()
        var modelSeen = false
        var model: String?
        var versionSeen = false
        var version: String?

        var facts: Facts {
            let usage = usageSeen && !usageIsNull ? keys.usage(counts) : nil
            return Facts(usage: usage, model: model ?? version)
        }

        mutating func member(_ c: inout JSONCursor, name range: Range<Int>, plain: Bool) throws(JSONParseError) {
            let name = try Name(c, range, plain: plain)
            switch name {
            case .other:
                _ = try c.skipValue(depth: top + 1)
            case .usage, .usageMetadata:
                if !usageSeen, (name == .usage) == keys.containerIsUsage {
                    usageSeen = true
                    try readUsage(&c)
                } else {
                    try c.skipValueStrictly(depth: top + 1)
                }
            case .model, .modelVersion:
                let first = name == .model ? !modelSeen : !versionSeen
                if name == .model { modelSeen = true } else { versionSeen = true }
                guard wantModel, first, c.peek() == UInt8(ascii: "\"") else {
                    try c.skipValueStrictly(depth: top + 1)
                    return
                }
                let text = try c.parseString()
                if name == .model { model = text } else { version = text }
            }
        }

        /// The usage member's value (depth `top + 1`): counts from an object, nothing from anything else.
        private mutating func readUsage(_ c: inout JSONCursor) throws(JSONParseError) {
            switch c.peek() {
            case UInt8(ascii: "{"):
                var seen = 0  // bit i: key i was met (its first occurrence counts, number or not)
                try c.forEachMemberName { (c, range, plain) throws(JSONParseError) in
                    guard let index = try keys.index(c, range, plain: plain), seen & (1 << index) == 0 else {
                        try c.skipValueStrictly(depth: top + 2)
                        return
                    }
                    seen |= 1 << index
                    switch c.peek() {
                    case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "\""), UInt8(ascii: "t"), UInt8(ascii: "f"),
                        UInt8(ascii: "n"), nil:
                        try c.skipValueStrictly(depth: top + 2)
                    default:
                        let span = try c.skipValue(depth: top + 2)
                        counts[index] = AnswerReader.count(UnsafeBufferPointer(rebasing: c.bytes[span]))
                    }
                }
            case UInt8(ascii: "n"):
                try c.skipValueStrictly(depth: top + 1)
                usageIsNull = true
            default:
                try c.skipValueStrictly(depth: top + 1)
            }
        }
    }
}
