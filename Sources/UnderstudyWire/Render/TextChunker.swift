/// Cuts text into stream deltas the way token streams look: word by word (a word keeps its
/// leading whitespace), long words cut at `maxCharacters`. Concatenating the pieces gives the
/// text back exactly.
enum TextChunker {
    static func words(_ text: String, maxCharacters: Int) -> [String] {
        var pieces: [String] = []
        var current = ""
        var currentCount = 0
        var seenLetter = false
        for character in text {
            let isSpace = character.isWhitespace
            // A new piece starts at whitespace after a word, or when the piece is full.
            if (isSpace && seenLetter) || currentCount >= maxCharacters {
                pieces.append(current)
                current = ""
                currentCount = 0
                seenLetter = false
            }
            current.append(character)
            currentCount += 1
            if !isSpace { seenLetter = true }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    /// Fixed-size fragments (for tool-call argument JSON).
    static func fragments(_ text: String, size: Int) -> [String] {
        var pieces: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if current.count >= size {
                pieces.append(current)
                current = ""
            }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    /// A rough token count: about 4 characters a token, at least one per word.
    static func estimateTokens(_ text: String) -> Int {
        guard !text.isEmpty else { return 0 }
        let words = text.split(whereSeparator: \.isWhitespace).count
        return max(words, (text.utf8.count + 3) / 4)
    }
}
