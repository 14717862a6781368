import Testing
import UnderstudyWire

/// The scanner rules out sixteen starts at a time (`KeyStartFilter`) and prefilters the rest by
/// their first two bytes; it must find exactly what testing every start byte by byte finds
/// (`reference`, the scan as first written), over many seeded texts dense in near-keys, escapes, dots and PEM pieces.
struct KnownKeyScannerDifferentialTests {
    @Test func findsExactlyWhatTheByteByByteScanFinds() {
        var rng = SeededRandom(state: 0x5EED_CAFE)
        let pieces: [String] =
            KnownKeyScanner.prefixes.map { String(decoding: $0.prefix, as: UTF8.self) } + [
                "-----BEGIN ", "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", "PRIVATE",
                "-----BEGIN PUBLIC KEY-----", "\\n", "\\u0022", "\\\"", "\"", " ", ".", "-", "_", "a1B2c3D4e5",
                "abcdefghijklmnopqrstuvwxyz0123456789", "chatcmpl-", "The quick brown fox ", "{\"content\":\"",
                "\"}", ",", "é", "😀", "\u{0}", "\n", "sk", "gh", "xo", "-----", "sy", "ro",
            ]
        var mismatches = 0
        for round in 0..<6000 {
            var text: [UInt8] = []
            let parts = Int(rng.next() % 40)
            for _ in 0..<parts {
                switch rng.next() % 4 {
                case 0:  // a run of random key bytes, up to 48 long
                    let alphabet = Array("abcXYZ019_.-".utf8)
                    for _ in 0..<Int(rng.next() % 48) {
                        text.append(alphabet[Int(rng.next() % UInt64(alphabet.count))])
                    }
                case 1:  // any byte
                    text.append(UInt8(truncatingIfNeeded: rng.next()))
                default:
                    text += Array(pieces[Int(rng.next() % UInt64(pieces.count))].utf8)
                }
            }
            let found = KnownKeyScanner.ranges(in: text)
            let expected = text.withUnsafeBufferPointer { Self.reference($0) }
            if found != expected {
                mismatches += 1
                if mismatches <= 3 {
                    Issue.record("round \(round): \(found) vs \(expected) in \(String(decoding: text, as: UTF8.self))")
                }
            }
        }
        #expect(mismatches == 0)
    }

    /// Keys in long runs of key bytes (ids, base64) at every offset and length around the
    /// eight-byte steps, glued to the run or after a dot.
    @Test func keysInsideLongRunsAtEveryOffset() {
        let key = "sk-proj-Abc123def456ghi789jkl012mno"
        for before in 0..<20 {
            for after in 0..<12 {
                for glue in ["", ".", " ", "\\n"] {
                    let text = Array(
                        (String(repeating: "x", count: before) + glue + key + String(repeating: "y", count: after)).utf8
                    )
                    #expect(KnownKeyScanner.ranges(in: text) == text.withUnsafeBufferPointer { Self.reference($0) })
                }
            }
        }
    }

    /// `KeyStartFilter` lets a start through only when its first byte is one a known prefix
    /// starts with: every prefix, at every offset of the sixteen-byte blocks, after each kind of
    /// boundary (a space, a quote, a dot, `\n`, `\u0022`, `\\`, a non-ASCII letter, the text's
    /// start), must still be found.
    @Test func everyPrefixAtEveryBlockOffset() {
        for (prefix, minBody) in KnownKeyScanner.prefixes {
            let key = String(decoding: prefix, as: UTF8.self) + String(repeating: "Q7", count: minBody)
            for glue in ["", " ", "\"", ".", "\\n", "\\u0022", "\\\\", "ñ", "é\t"] {
                for before in 0..<34 {
                    let filler = String(repeating: "{", count: before)
                    let text = Array((filler + glue + key + "\"}" + String(repeating: ",", count: 20)).utf8)
                    let found = KnownKeyScanner.ranges(in: text)
                    #expect(found == text.withUnsafeBufferPointer { Self.reference($0) })
                    #expect(found.count == 1, "\(String(decoding: text, as: UTF8.self))")
                }
            }
        }
    }

    // MARK: The byte-by-byte scan

    static func reference(_ b: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "-") {
                if hasPrefix(b, at: i, pemBegin), let end = pemBlock(b, from: i) {
                    out.append(i..<end)
                    i = end
                } else {
                    i += 1
                }
                continue
            }
            if atBoundary(b, i), let end = keyEnd(b, at: i) {
                out.append(i..<end)
                i = end
                continue
            }
            i += 1
        }
        return out
    }

    static let pemBegin = Array("-----BEGIN ".utf8)
    static let pemEnd = Array("-----END ".utf8)

    static func isToken(_ c: UInt8) -> Bool { KnownKeyScanner.isKeyByte(c) && c != UInt8(ascii: ".") }

    static func keyEnd(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        for (prefix, minBody) in KnownKeyScanner.prefixes where hasPrefix(b, at: start, prefix) {
            var end = start + prefix.count
            while end < b.count {
                if isToken(b[end]) {
                    end += 1
                } else if b[end] == UInt8(ascii: "."), end + 1 < b.count, isToken(b[end + 1]) {
                    end += 1
                } else {
                    break
                }
            }
            if end - start - prefix.count >= minBody { return end }
        }
        return nil
    }

    static func atBoundary(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        guard i > 0, isToken(b[i - 1]) else { return true }
        if i >= 2, b[i - 2] == UInt8(ascii: "\\") { return true }
        if i >= 6, b[i - 6] == UInt8(ascii: "\\"), b[i - 5] == UInt8(ascii: "u") { return true }
        return false
    }

    static func pemBlock(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var i = start + pemBegin.count
        let headerEnd = min(b.count, i + 64)
        var isPrivate = false
        while i < headerEnd, b[i] != UInt8(ascii: "-") {
            if hasPrefix(b, at: i, Array("PRIVATE".utf8)) { isPrivate = true }
            i += 1
        }
        guard isPrivate else { return nil }
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\""), b[i - 1] != UInt8(ascii: "\\") { return i }
            if c == UInt8(ascii: "-"), hasPrefix(b, at: i, pemEnd) {
                var j = i + pemEnd.count
                while j < b.count, j < i + 80, b[j] != UInt8(ascii: "-"), b[j] != UInt8(ascii: "\"") { j += 1 }
                while j < b.count, b[j] == UInt8(ascii: "-") { j += 1 }
                return j
            }
            i += 1
        }
        return b.count
    }

    static func hasPrefix(_ b: UnsafeBufferPointer<UInt8>, at i: Int, _ prefix: [UInt8]) -> Bool {
        guard i + prefix.count <= b.count else { return false }
        for k in 0..<prefix.count where b[i + k] != prefix[k] { return false }
        return true
    }
}
