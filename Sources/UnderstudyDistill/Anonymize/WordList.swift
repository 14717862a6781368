/// Context words (lowercase ASCII) stored for the question the detectors ask for every digit run
/// and candidate token: does one of them occur, ignoring case, in the bytes just before it?
/// Words are grouped by their first byte, so each byte of the window costs one table load and
/// only the words starting with that byte are compared.
///
/// ```swift
/// let words = WordList(["phone", "call"])
/// // true: "call" ends within the 20 bytes before offset 24 of "please call me at 555 0100"
/// ```
struct WordList: Sendable {
    /// The words, as given.
    let words: [[UInt8]]
    /// All words' bytes, ordered by first byte.
    private let bytes: [UInt8]
    /// `(start, end)` in `bytes` of each word, ordered as `bytes`.
    private let spans: [Range<Int>]
    /// For each byte value, the range of `spans` whose words start with it.
    private let groups: [Range<Int>]

    init(_ list: [String]) {
        words = list.map { Array($0.utf8) }
        var bytes: [UInt8] = []
        var spans: [Range<Int>] = []
        var groups = [Range<Int>](repeating: 0..<0, count: 256)
        for first in 0..<256 {
            let start = spans.count
            for word in words where Int(word[0]) == first {
                spans.append(bytes.count..<(bytes.count + word.count))
                bytes += word
            }
            groups[first] = start..<spans.count
        }
        self.bytes = bytes
        self.spans = spans
        self.groups = groups
    }

    /// Whether a word lies wholly within the `window` bytes before `index` of `b`, ignoring case.
    func occurs(in b: UnsafeBufferPointer<UInt8>, before index: Int, window: Int) -> Bool {
        let start = max(0, index - window)
        guard start < index else { return false }
        return bytes.withUnsafeBufferPointer { bytes in
            spans.withUnsafeBufferPointer { spans in
                groups.withUnsafeBufferPointer { groups in
                    for i in start..<index {
                        for s in groups[Int(ByteClass.lower(b[i]))] {
                            let span = spans[s]
                            guard span.count <= index - i else { continue }
                            var j = 1
                            while j < span.count && ByteClass.lower(b[i + j]) == bytes[span.lowerBound + j] { j += 1 }
                            if j == span.count { return true }
                        }
                    }
                    return false
                }
            }
        }
    }
}
