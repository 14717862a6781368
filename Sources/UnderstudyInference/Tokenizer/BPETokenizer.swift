import Foundation

/// A byte-level BPE tokenizer read from a Hugging Face `tokenizer.json`: added/special tokens
/// split out first, then the `ByteLevel` pre-tokenizer (GPT-2 regex), then BPE merges by rank.
/// Encodes exactly as `tokenizers` does for this configuration (tested against it).
///
/// ```swift
/// let tokenizer = try BPETokenizer(url: dir.appendingPathComponent("tokenizer.json"))
/// let ids = tokenizer.encode("<|bos|><|user|>hello")
/// let text = tokenizer.decode(ids)
/// ```
public final class BPETokenizer: @unchecked Sendable {
    /// Token id by token string.
    public let vocabulary: [String: Int32]
    /// Token string by id.
    public let tokens: [String]
    /// Added tokens (special and not), by id.
    public let addedTokens: [Int32: AddedToken]
    let matcher: AddedTokenMatcher
    let merges: [UInt64: (rank: Int32, result: Int32)]
    let addPrefixSpace: Bool
    let ignoreMerges: Bool
    let unknown: Int32?
    let template: [TemplatePiece]
    private let cacheLock = NSLock()
    private var cache: [String: [Int32]] = [:]

    enum TemplatePiece {
        case sequence
        case token(Int32)
    }

    /// Reads `tokenizer.json`; unsupported parts are errors naming the file and field.
    public init(url: URL) throws {
        let path = url.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InferenceError.fileUnreadable(path, "no such file")
        }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw InferenceError.malformedFile(path, "not a JSON object")
        }
        guard let model = root["model"] as? [String: Any], (model["type"] as? String ?? "BPE") == "BPE",
            let vocab = model["vocab"] as? [String: Int]
        else { throw InferenceError.tokenizer(path, "field 'model' is not a BPE model with a 'vocab'") }
        if let normalizer = root["normalizer"], !(normalizer is NSNull) {
            throw InferenceError.tokenizer(
                path, "field 'normalizer' is set; only byte-level tokenizers without normalizer are supported")
        }
        var prefixSpace = false
        switch root["pre_tokenizer"] as? [String: Any] {
        case let p? where p["type"] as? String == "ByteLevel":
            prefixSpace = p["add_prefix_space"] as? Bool ?? false
            if p["use_regex"] as? Bool == false {
                throw InferenceError.tokenizer(path, "field 'pre_tokenizer.use_regex' is false; supported: true")
            }
        default:
            throw InferenceError.tokenizer(path, "field 'pre_tokenizer' is not ByteLevel")
        }
        addPrefixSpace = prefixSpace
        ignoreMerges = model["ignore_merges"] as? Bool ?? false
        var vocabulary: [String: Int32] = [:]
        for (token, id) in vocab { vocabulary[token] = Int32(id) }
        var added: [Int32: AddedToken] = [:]
        for entry in root["added_tokens"] as? [[String: Any]] ?? [] {
            guard let id = entry["id"] as? Int, let content = entry["content"] as? String else {
                throw InferenceError.tokenizer(path, "an entry of 'added_tokens' lacks id or content")
            }
            added[Int32(id)] = AddedToken(
                id: Int32(id), content: content, special: entry["special"] as? Bool ?? false,
                lstrip: entry["lstrip"] as? Bool ?? false, rstrip: entry["rstrip"] as? Bool ?? false,
                singleWord: entry["single_word"] as? Bool ?? false)
            vocabulary[content] = Int32(id)
        }
        self.vocabulary = vocabulary
        addedTokens = added
        matcher = AddedTokenMatcher(Array(added.values))
        let size = Int(vocabulary.values.max() ?? -1) + 1
        var tokens = [String](repeating: "", count: size)
        for (token, id) in vocabulary { tokens[Int(id)] = token }
        self.tokens = tokens
        var merges: [UInt64: (Int32, Int32)] = [:]
        for (rank, merge) in (model["merges"] as? [Any] ?? []).enumerated() {
            let parts: [String]
            if let text = merge as? String {
                parts = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            } else {
                parts = merge as? [String] ?? []
            }
            guard parts.count == 2, let a = vocabulary[parts[0]], let b = vocabulary[parts[1]],
                let result = vocabulary[parts[0] + parts[1]]
            else { throw InferenceError.tokenizer(path, "merge #\(rank) \(merge) names tokens not in the vocabulary") }
            let key = UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
            if merges[key] == nil { merges[key] = (Int32(rank), result) }
        }
        self.merges = merges
        unknown = (model["unk_token"] as? String).flatMap { vocabulary[$0] }
        var template: [TemplatePiece] = [.sequence]
        if let post = root["post_processor"] as? [String: Any], post["type"] as? String == "TemplateProcessing",
            let single = post["single"] as? [[String: Any]]
        {
            template = try single.map { piece in
                if piece["Sequence"] != nil { return .sequence }
                guard let special = piece["SpecialToken"] as? [String: Any], let name = special["id"] as? String,
                    let id = vocabulary[name]
                else { throw InferenceError.tokenizer(path, "field 'post_processor.single' names an unknown token") }
                return .token(id)
            }
        }
        self.template = template
    }

    /// Number of token ids.
    public var count: Int { tokens.count }

    /// The id of a token string (special tokens included).
    public func id(of token: String) -> Int32? { vocabulary[token] }

    /// Token ids of `text`. `addSpecialTokens` applies the post-processor's template (BOS …);
    /// the trainer encodes with it off.
    public func encode(_ text: String, addSpecialTokens: Bool = false) -> [Int32] {
        var ids: [Int32] = []
        for segment in matcher.split(text) {
            switch segment {
            case .token(let id): ids.append(id)
            case .text(let plain):
                let input = addPrefixSpace && !plain.hasPrefix(" ") ? " " + plain : String(plain)
                for word in ByteLevel.split(input) { ids.append(contentsOf: encodeWord(ByteLevel.encode(word.utf8))) }
            }
        }
        guard addSpecialTokens else { return ids }
        return template.flatMap { piece -> [Int32] in
            switch piece {
            case .sequence: return ids
            case .token(let id): return [id]
            }
        }
    }

    /// The text of `ids`: byte-level tokens back to UTF-8, added tokens as their content.
    public func decode(_ ids: [Int32], skipSpecialTokens: Bool = false) -> String {
        var bytes: [UInt8] = []
        for id in ids {
            if let added = addedTokens[id] {
                if !(skipSpecialTokens && added.special) { bytes.append(contentsOf: Array(added.content.utf8)) }
            } else if Int(id) < tokens.count, id >= 0 {
                bytes.append(contentsOf: ByteLevel.decode(tokens[Int(id)]))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The bytes one token stands for (its content for added tokens).
    public func bytes(of id: Int32) -> [UInt8] {
        if let added = addedTokens[id] { return Array(added.content.utf8) }
        guard id >= 0, Int(id) < tokens.count else { return [] }
        return ByteLevel.decode(tokens[Int(id)])
    }

    func encodeWord(_ word: String) -> [Int32] {
        cacheLock.lock()
        if let hit = cache[word] {
            cacheLock.unlock()
            return hit
        }
        cacheLock.unlock()
        var result: [Int32]
        if ignoreMerges, let id = vocabulary[word] {
            result = [id]
        } else {
            var symbols: [Int32] = []
            for scalar in word.unicodeScalars {
                if let id = vocabulary[String(scalar)] {
                    symbols.append(id)
                } else if let unknown {
                    symbols.append(unknown)
                }
            }
            while symbols.count > 1 {
                var best: (rank: Int32, index: Int, result: Int32)?
                for i in 0..<(symbols.count - 1) {
                    let key = UInt64(UInt32(bitPattern: symbols[i])) << 32 | UInt64(UInt32(bitPattern: symbols[i + 1]))
                    if let merge = merges[key], best == nil || merge.rank < best!.rank {
                        best = (merge.rank, i, merge.result)
                    }
                }
                guard let best else { break }
                symbols[best.index] = best.result
                symbols.remove(at: best.index + 1)
            }
            result = symbols
        }
        cacheLock.lock()
        if cache.count < 100_000 { cache[word] = result }
        cacheLock.unlock()
        return result
    }
}
