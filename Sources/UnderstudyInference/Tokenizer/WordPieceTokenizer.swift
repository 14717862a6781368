import Foundation

/// BERT's WordPiece tokenizer: BERT pre-tokenization, then greedy longest-match-first splitting
/// of each word into vocabulary pieces (continuations prefixed with `##`), `[CLS] … [SEP]`
/// around each text, truncated to `maxLength` tokens.
///
/// ```swift
/// let tokenizer = try WordPieceTokenizer(directory: modelDirectory)
/// let ids = tokenizer.encode("Hello, world!")   // [101, 7592, 1010, 2088, 999, 102]
/// ```
public struct WordPieceTokenizer: Sendable {
    /// Token ids by piece.
    public let vocabulary: [String: Int32]
    /// The pre-tokenizer (lowercasing etc.).
    public var preTokenizer: BertPreTokenizer
    /// Maximum tokens per text, `[CLS]` and `[SEP]` included.
    public var maxLength: Int
    let unknown: Int32
    let classification: Int32
    let separator: Int32
    let maxCharactersPerWord = 100

    /// A tokenizer over a vocabulary.
    public init(vocabulary: [String: Int32], preTokenizer: BertPreTokenizer = .init(), maxLength: Int = 256) throws {
        self.vocabulary = vocabulary
        self.preTokenizer = preTokenizer
        self.maxLength = maxLength
        guard let unk = vocabulary["[UNK]"], let cls = vocabulary["[CLS]"], let sep = vocabulary["[SEP]"] else {
            throw InferenceError.tokenizer("vocabulary", "lacks [UNK], [CLS] or [SEP]")
        }
        unknown = unk
        classification = cls
        separator = sep
    }

    /// Reads `tokenizer.json` (WordPiece model) or else `vocab.txt` from a model directory;
    /// lowercasing follows the tokenizer's normalizer (or `do_lower_case` of tokenizer_config.json).
    public init(directory: URL, maxLength: Int = 256) throws {
        let json = directory.appendingPathComponent("tokenizer.json")
        let text = directory.appendingPathComponent("vocab.txt")
        var vocabulary: [String: Int32] = [:]
        var lowercase = true
        var stripAccents: Bool? = nil
        var chinese = true
        if let data = FileManager.default.contents(atPath: json.path) {
            guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let model = root["model"] as? [String: Any], let vocab = model["vocab"] as? [String: Int]
            else { throw InferenceError.tokenizer(json.path, "no 'model.vocab' object") }
            guard (model["type"] as? String ?? "WordPiece") == "WordPiece" else {
                throw InferenceError.tokenizer(json.path, "model type is \(model["type"] ?? "?"), expected WordPiece")
            }
            for (piece, id) in vocab { vocabulary[piece] = Int32(id) }
            if let normalizer = root["normalizer"] as? [String: Any] {
                lowercase = normalizer["lowercase"] as? Bool ?? true
                stripAccents = normalizer["strip_accents"] as? Bool
                chinese = normalizer["handle_chinese_chars"] as? Bool ?? true
            }
        } else if let data = FileManager.default.contents(atPath: text.path) {
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            for (index, line) in lines.enumerated() where !line.isEmpty {
                vocabulary[String(line.hasSuffix("\r") ? line.dropLast() : line)] = Int32(index)
            }
            let config = directory.appendingPathComponent("tokenizer_config.json")
            if let data = FileManager.default.contents(atPath: config.path),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            {
                lowercase = object["do_lower_case"] as? Bool ?? true
            }
        } else {
            throw InferenceError.fileUnreadable(
                json.path, "neither tokenizer.json nor vocab.txt is in the model directory")
        }
        try self.init(
            vocabulary: vocabulary,
            preTokenizer: BertPreTokenizer(
                lowercase: lowercase, stripAccents: stripAccents, handleChineseCharacters: chinese),
            maxLength: maxLength)
    }

    /// Token ids of `text`: `[CLS]`, pieces, `[SEP]`, at most `maxLength`.
    public func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = [classification]
        let budget = maxLength - 1
        for word in preTokenizer.words(text) {
            appendPieces(of: word, to: &ids)
            if ids.count >= budget { break }
        }
        if ids.count > budget { ids.removeLast(ids.count - budget) }
        ids.append(separator)
        return ids
    }

    private func appendPieces(of word: [Unicode.Scalar], to ids: inout [Int32]) {
        if word.count > maxCharactersPerWord {
            ids.append(unknown)
            return
        }
        var pieces: [Int32] = []
        var start = 0
        while start < word.count {
            var end = word.count
            var found: Int32? = nil
            while start < end {
                var piece = start > 0 ? "##" : ""
                piece.unicodeScalars.append(contentsOf: word[start..<end])
                if let id = vocabulary[piece] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                ids.append(unknown)
                return
            }
            pieces.append(id)
            start = end
        }
        ids.append(contentsOf: pieces)
    }
}
