import Foundation
import UnderstudyArchive

/// Looks for a key in archived text in every encoding a record can carry it in: as written, in
/// JSON strings (escapes decoded), in JSON inside JSON strings (SSE data: escapes decoded twice)
/// and in `body_b64` bodies.
enum SecretLeakCheck {
    /// The first 8-byte piece of `key` found in `text`, or nil when none is there.
    static func leakedPiece(of key: String, in text: String) -> String? {
        let haystack = readings(of: text).joined(separator: "\n")
        let bytes = Array(key.utf8)
        guard bytes.count >= 8 else { return haystack.contains(key) ? key : nil }
        for start in 0...(bytes.count - 8) {
            let piece = String(decoding: bytes[start..<start + 8], as: UTF8.self)
            if haystack.contains(piece) { return piece }
        }
        return nil
    }

    /// `text` itself, unescaped, and for each JSON line its strings (unescaped once more) and
    /// decoded `body_b64` bodies.
    static func readings(of text: String) -> [String] {
        var out = [text, unescape(text)]
        for line in text.split(separator: "\n") {
            guard let value = try? JSONValue(parsing: Array(line.utf8)) else { continue }
            collect(value, key: nil, into: &out)
        }
        return out
    }

    private static func collect(_ value: JSONValue, key: String?, into out: inout [String]) {
        switch value {
        case .string(let s):
            out.append(s)
            out.append(unescape(s))
            if key == "body_b64", let data = Data(base64Encoded: s) {
                let body = String(decoding: data, as: UTF8.self)
                out.append(body)
                out.append(unescape(unescape(body)))
            }
        case .array(let elements): for element in elements { collect(element, key: nil, into: &out) }
        case .object(let members): for member in members { collect(member.value, key: member.key, into: &out) }
        case .null, .bool, .number: break
        }
    }

    /// `\uXXXX` and `\/` decoded (the escapes that can spell key bytes); other bytes kept.
    static func unescape(_ text: String) -> String {
        let b = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "\\"), i + 1 < b.count {
                if b[i + 1] == UInt8(ascii: "/") {
                    out.append(UInt8(ascii: "/"))
                    i += 2
                    continue
                }
                if b[i + 1] == UInt8(ascii: "\\") {
                    out += [b[i], b[i + 1]]
                    i += 2
                    continue
                }
                if b[i + 1] == UInt8(ascii: "u"), i + 6 <= b.count,
                    let unit = UInt32(String(decoding: b[i + 2..<i + 6], as: UTF8.self), radix: 16),
                    let scalar = Unicode.Scalar(unit)
                {
                    out += Array(String(Character(scalar)).utf8)
                    i += 6
                    continue
                }
            }
            out.append(b[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
