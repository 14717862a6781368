/// Compact JSON serialisation: no insignificant whitespace, members in their stored order,
/// numbers as their literal text, non-ASCII characters written as UTF-8 (never `\u` escapes)
/// and no escaped newlines left raw, so every serialised value fits on one JSONL line.
extension JSONValue {
    public func serialized() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public func serializedBytes() -> [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }

    public func write(to out: inout [UInt8]) { write(into: &out) }

    /// `write(to:)` into any `JSONOutput` (the archive writer's `LineBytes` too).
    func write<Out: JSONOutput & ~Copyable>(into out: inout Out) {
        switch self {
        case .null: out.append(literal: "null")
        case .bool(let b): out.append(literal: b ? "true" : "false")
        case .number(var n): n.withUTF8 { out.append(bytes: $0) }
        case .string(let s): JSONValue.writeString(s, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                element.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, member) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Writes `s` as a quoted JSON string.
    public static func writeString(_ s: String, to out: inout [UInt8]) { writeString(s, into: &out) }

    /// `writeString(_:to:)` into any `JSONOutput`.
    static func writeString<Out: JSONOutput & ~Copyable>(_ s: String, into out: inout Out) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { writeEscaped($0, to: &out) }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends UTF-8 text with JSON escapes, copying runs of plain bytes in bulk (the archive
    /// writer spends much of its time here on SSE event data full of quotes).
    static func writeEscaped<Out: JSONOutput & ~Copyable>(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout Out) {
        var runStart = 0
        var i = 0
        let count = bytes.count
        while i < count {
            i = plainRunEnd(bytes, from: i)
            guard i < count else { break }
            let byte = bytes[i]
            if i > runStart { out.append(bytes: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            out.append(0x5C)
            switch byte {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "t"))
            default:
                out.append(UInt8(ascii: "u"))
                out.append(0x30)
                out.append(0x30)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0xF)])
            }
            i += 1
            runStart = i
        }
        if count > runStart { out.append(bytes: UnsafeBufferPointer(rebasing: bytes[runStart..<count])) }
    }

    /// The first offset at or after `from` that needs an escape (`"`, `\`, a control byte),
    /// eight bytes per step (SWAR) and then byte by byte: most text needs none. `JSONCursor`
    /// skips string bodies with it too; `isCompactForm` also stops at non-ASCII bytes (`orNonASCII`).
    @inline(__always)
    static func plainRunEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, orNonASCII: Bool = false) -> Int {
        var i = from
        let count = bytes.count
        if let base = bytes.baseAddress {
            while i + 8 <= count {
                let w = SWARBytes.load(base, i)
                let special =
                    SWARBytes.equal(w, 0x22) | SWARBytes.equal(w, 0x5C) | SWARBytes.control(w)
                    | (orNonASCII ? SWARBytes.nonASCII(w) : 0)
                if special != 0 { break }
                i += 8
            }
        }
        while i < count {
            let byte = bytes[i]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C || (orNonASCII && byte >= 0x80) { return i }
            i += 1
        }
        return i
    }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { serialized() }
}
