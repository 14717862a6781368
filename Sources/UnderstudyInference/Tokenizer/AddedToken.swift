/// A token `tokenizers` matches in the raw text before pre-tokenization (special tokens such as
/// `<|end|>`, and added non-special tokens).
public struct AddedToken: Sendable, Equatable {
    public var id: Int32
    public var content: String
    public var special: Bool
    public var lstrip: Bool
    public var rstrip: Bool
    public var singleWord: Bool
}

/// Splits text into added-token matches and plain segments: leftmost match first, longest
/// token at a position, like the `tokenizers` AddedVocabulary (Aho-Corasick, leftmost-longest).
struct AddedTokenMatcher: Sendable {
    enum Segment: Equatable {
        case text(Substring)
        case token(Int32)
    }

    private let tokens: [AddedToken]
    private let byFirstByte: [UInt8: [Int]]

    init(_ tokens: [AddedToken]) {
        let kept = tokens.filter { !$0.content.isEmpty }
        var index: [UInt8: [Int]] = [:]
        for (i, token) in kept.enumerated() { index[token.content.utf8.first!, default: []].append(i) }
        for key in index.keys { index[key]!.sort { kept[$0].content.utf8.count > kept[$1].content.utf8.count } }
        self.tokens = kept
        byFirstByte = index
    }

    func split(_ text: String) -> [Segment] {
        if tokens.isEmpty { return text.isEmpty ? [] : [.text(text[...])] }
        let utf8 = Array(text.utf8)
        var segments: [Segment] = []
        var plainStart = 0
        var i = 0
        func index(_ offset: Int) -> String.Index { text.utf8.index(text.utf8.startIndex, offsetBy: offset) }
        func isWordByte(_ offset: Int) -> Bool {
            guard offset >= 0 && offset < utf8.count else { return false }
            let b = utf8[offset]
            return b >= 0x80 || (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95
        }
        while i < utf8.count {
            var matched: AddedToken?
            if let candidates = byFirstByte[utf8[i]] {
                for c in candidates {
                    let bytes = tokens[c].content.utf8
                    if i + bytes.count <= utf8.count && utf8[i..<(i + bytes.count)].elementsEqual(bytes) {
                        if tokens[c].singleWord && (isWordByte(i - 1) || isWordByte(i + bytes.count)) { continue }
                        matched = tokens[c]
                        break
                    }
                }
            }
            guard let token = matched else {
                i += 1
                continue
            }
            var plainEnd = i
            var next = i + token.content.utf8.count
            if token.lstrip { while plainEnd > plainStart && Self.isSpace(utf8[plainEnd - 1]) { plainEnd -= 1 } }
            if token.rstrip { while next < utf8.count && Self.isSpace(utf8[next]) { next += 1 } }
            if plainEnd > plainStart { segments.append(.text(text[index(plainStart)..<index(plainEnd)])) }
            segments.append(.token(token.id))
            plainStart = next
            i = next
        }
        if plainStart < utf8.count { segments.append(.text(text[index(plainStart)...])) }
        return segments
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }
}
