import Testing
import UnderstudyArchive

/// `SharedEnds.split` compares eight bytes per step; a byte-by-byte reference must agree with it
/// on every length around those steps, and both must keep UTF-8 characters whole (the archive
/// stores, and the chat reader reads, the middle between the ends as a string).
struct SharedEndsTests {
    /// The split compared byte by byte: common prefix, then common suffix of what is left,
    /// each moved back off a UTF-8 continuation byte.
    private func reference(_ data: [UInt8], _ previous: [UInt8]) -> (prefix: Int, suffix: Int) {
        let n = min(data.count, previous.count)
        var p = 0
        while p < n, data[p] == previous[p] { p += 1 }
        while p > 0, p < data.count, data[p] & 0xC0 == 0x80 { p -= 1 }
        var s = 0
        while s < n - p, data[data.count - 1 - s] == previous[previous.count - 1 - s] { s += 1 }
        while s > 0, data[data.count - s] & 0xC0 == 0x80 { s -= 1 }
        return (p, s)
    }

    private func split(_ data: [UInt8], _ previous: [UInt8]) -> (prefix: Int, suffix: Int) {
        data.withUnsafeBufferPointer { d in previous.withUnsafeBufferPointer { SharedEnds.split(d, $0) } }
    }

    /// Expects the split to match the reference and to describe what the two strings share.
    private func expectSplit(_ data: [UInt8], _ previous: [UInt8]) {
        let (prefix, suffix) = split(data, previous)
        let expected = reference(data, previous)
        #expect(prefix == expected.prefix && suffix == expected.suffix, "\(data) vs \(previous)")
        #expect(prefix + suffix <= min(data.count, previous.count))
        #expect(data[..<prefix] == previous[..<prefix])
        #expect(data.suffix(suffix) == previous.suffix(suffix))
        // The changed middle is whole characters, so it decodes on its own.
        let middle = Array(data[prefix..<(data.count - suffix)])
        if String(validating: data, as: UTF8.self) != nil {
            #expect(String(validating: middle, as: UTF8.self) != nil, "\(data) vs \(previous)")
        }
    }

    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func namedCasesSplitAsStated() {
        let cases: [(String, String, Int, Int)] = [
            ("", "", 0, 0),
            ("", "x", 0, 0),
            ("x", "", 0, 0),
            ("same text", "same text", 9, 0),
            ("abc", "abcdef", 3, 0),  // one a prefix of the other
            ("abcdef", "def", 0, 3),  // one a suffix of the other
            ("aa", "aaa", 2, 0),  // prefix and suffix would overlap: the prefix wins
            ("aaa", "aa", 2, 0),
            (#"{"content":"Hello"}"#, #"{"content":" world"}"#, 12, 2),
            ("é", "è", 0, 0),  // C3 A9 / C3 A8: a shared first byte is not a character
            ("xé", "xǩ", 1, 0),  // C3 A9 / C7 A9: a shared last byte is not one either
            ("😀x", "😁x", 0, 1),
            ("a😀", "b😀", 0, 4),
            ("1234567é", "1234567è", 7, 0),  // the character straddles the first 8-byte step
        ]
        for (data, previous, prefix, suffix) in cases {
            let split = split(bytes(data), bytes(previous))
            #expect(split.prefix == prefix && split.suffix == suffix, "\(data) vs \(previous): \(split)")
            expectSplit(bytes(data), bytes(previous))
        }
    }

    /// Every length from 0 to 24 (7, 8, 9 and 16 among them), with one character changed,
    /// inserted or removed at every position, and multi-byte characters at either edge.
    @Test func everyEditAroundTheEightByteStepsMatchesTheReference() {
        let fillers: [Character] = ["a", "é", "😀"]
        for filler in fillers {
            for length in 0...24 {
                let base = Array(String(repeating: filler, count: length))
                for position in 0...length {
                    for edit in ["x", "è", "😁", ""] {
                        var changed = base
                        if !edit.isEmpty { changed.insert(Character(edit), at: position) }
                        expectSplit(bytes(String(changed)), bytes(String(base)))
                        expectSplit(bytes(String(base)), bytes(String(changed)))
                        guard position < length else { continue }
                        changed = base
                        if edit.isEmpty { changed.remove(at: position) } else { changed[position] = Character(edit) }
                        expectSplit(bytes(String(changed)), bytes(String(base)))
                    }
                }
            }
        }
    }

    @Test func equalLongTextsShareTheirWholeLength() {
        for length in [7, 8, 9, 16, 17, 100] {
            let text = bytes(String(repeating: "ab😀", count: length))
            let split = split(text, text)
            #expect(split.prefix == text.count && split.suffix == 0, "\(length)")
        }
    }
}
