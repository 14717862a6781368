import Foundation

/// The fallback embedder when no model is present: feature-hashed word unigrams and bigrams
/// and character 3–5-grams, TF-IDF weighted, L2-normalized. Deterministic across processes and
/// machines (FNV-1a hashing, never Swift's seeded `Hasher`).
///
/// IDF is fitted on a corpus: `fitted(on:)` fixes it; an unfitted embedder fits on the texts
/// of each `embed` call (so one call over the whole corpus is the intended use).
///
/// ```swift
/// let embedder = HashingEmbedder(dimension: 1024).fitted(on: corpus)
/// let vectors = try embedder.embed(corpus)
/// ```
public struct HashingEmbedder: SentenceEmbedder {
    public let dimension: Int
    public var name: String { "hashing-\(dimension)" }
    /// Inverse document frequency per bucket, once fitted.
    public private(set) var inverseDocumentFrequency: [Float]?

    /// An unfitted embedder with `dimension` hash buckets.
    public init(dimension: Int = 1024) {
        precondition(dimension > 0)
        self.dimension = dimension
    }

    /// A copy whose IDF is fitted on `corpus` (smoothed: ln((1+N)/(1+df)) + 1).
    public func fitted(on corpus: [String]) -> HashingEmbedder {
        var documentFrequency = [Int](repeating: 0, count: dimension)
        for text in corpus {
            for bucket in Set(features(of: text).keys) { documentFrequency[bucket] += 1 }
        }
        var copy = self
        let n = Float(corpus.count)
        copy.inverseDocumentFrequency = documentFrequency.map { logf((1 + n) / (1 + Float($0))) + 1 }
        return copy
    }

    public func embed(_ texts: [String]) throws -> [[Float]] {
        let model = inverseDocumentFrequency == nil ? fitted(on: texts) : self
        let idf = model.inverseDocumentFrequency!
        return texts.map { text in
            var vector = [Float](repeating: 0, count: dimension)
            for (bucket, count) in features(of: text) {
                vector[bucket] = (1 + logf(Float(abs(count)))) * idf[bucket] * (count < 0 ? -1 : 1)
            }
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm > 0 ? vector.map { $0 / norm } : vector
        }
    }

    /// Signed counts per bucket: the sign bit of the hash spreads collisions around zero.
    func features(of text: String) -> [Int: Int] {
        var counts: [Int: Int] = [:]
        func add(_ feature: String) {
            let hash = Self.fnv1a(feature)
            let bucket = Int(hash % UInt64(dimension))
            counts[bucket, default: 0] += (hash >> 63) == 0 ? 1 : -1
        }
        let words = Self.words(text)
        for (index, word) in words.enumerated() {
            add("w:" + word)
            if index > 0 { add("b:" + words[index - 1] + " " + word) }
            let characters = Array("<" + word + ">")
            for n in 3...5 where characters.count >= n {
                for start in 0...(characters.count - n) { add("c:" + String(characters[start..<(start + n)])) }
            }
        }
        // Buckets whose signed counts cancelled out still count as present once.
        return counts.mapValues { $0 == 0 ? 1 : $0 }
    }

    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    static func fnv1a(_ string: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in string.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
