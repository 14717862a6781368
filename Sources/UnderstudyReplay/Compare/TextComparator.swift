import Foundation
import UnderstudyInference

/// Compares free-text answers by meaning and by wording: the cosine of their sentence
/// embeddings (all-MiniLM-L6-v2 when found, else the hashing embedder) and ROUGE-L F1. The
/// answer passes when both reach their thresholds, so a fluent answer that says something else
/// fails on the embedding and a paraphrase with the facts reordered still passes.
///
/// ```swift
/// let text = TextComparator(embedder: HashingEmbedder(), configuration: .init(minimumCosine: 0.85))
/// try text.compare(expected: "Your order ships tomorrow.", actual: "The order will ship tomorrow.")
/// ```
public final class TextComparator: @unchecked Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Minimum cosine similarity of the two embeddings.
        public var minimumCosine: Double
        /// Minimum ROUGE-L F1.
        public var minimumRougeL: Double

        /// - Parameters:
        ///   - minimumCosine: default 0.85: with MiniLM, paraphrases score above 0.85 and
        ///     answers on the same topic that say different things mostly below.
        ///   - minimumRougeL: default 0.4: a paraphrase keeps about half of its words in order.
        public init(minimumCosine: Double = 0.85, minimumRougeL: Double = 0.4) {
            self.minimumCosine = minimumCosine
            self.minimumRougeL = minimumRougeL
        }
    }

    public let configuration: Configuration
    // Embedders keep scratch buffers; replay calls them from many tasks. The lock also guards
    // the lazy load.
    private let lock = NSLock()
    private var loaded: (any SentenceEmbedder)?
    private let load: @Sendable () -> any SentenceEmbedder

    public init(embedder: any SentenceEmbedder, configuration: Configuration = Configuration()) {
        self.loaded = embedder
        self.load = { embedder }
        self.configuration = configuration
    }

    /// MiniLM from `.venv` (or `$UNDERSTUDY_EMBEDDING_MODEL`) when present, else hashing. The
    /// model is loaded on first use: runs without free-text answers never pay for it.
    public static func locatingEmbedder(explicit: String? = nil, configuration: Configuration = Configuration())
        -> TextComparator
    {
        TextComparator(configuration: configuration) {
            if let directory = try? EmbeddingModelLocator.locate(explicit: explicit),
                let model = try? MiniLMEmbedder(modelDirectory: directory)
            {
                return model
            }
            return HashingEmbedder()
        }
    }

    init(configuration: Configuration, load: @escaping @Sendable () -> any SentenceEmbedder) {
        self.configuration = configuration
        self.load = load
    }

    /// The embedder, loaded now if it was not yet.
    public var embedder: any SentenceEmbedder {
        lock.withLock { embedderLocked() }
    }

    /// The embedder's name if it has been loaded (nil: no text was compared).
    public var loadedEmbedderName: String? {
        lock.withLock { loaded?.name }
    }

    private func embedderLocked() -> any SentenceEmbedder {
        if let loaded { return loaded }
        let made = load()
        loaded = made
        return made
    }

    public func compare(expected: String, actual: String?) -> Comparison {
        guard let actual, !actual.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return .fail(.text, "no text in the answer")
        }
        let rouge = RougeL.f1(reference: expected, candidate: actual)
        let cosine: Double
        var embedderName = ""
        do {
            let (vectors, name) = try lock.withLock {
                let model = embedderLocked()
                return (try model.embed([expected, actual]), model.name)
            }
            embedderName = name
            cosine = Self.cosine(vectors[0], vectors[1])
        } catch {
            return .fail(.text, "embedding failed: \(error)")
        }
        let scores = String(format: "cosine %.3f (min %.2f", cosine, configuration.minimumCosine) + ", \(embedderName)), "
            + String(format: "ROUGE-L %.3f (min %.2f)", rouge, configuration.minimumRougeL)
        let match = cosine >= configuration.minimumCosine && rouge >= configuration.minimumRougeL
        return Comparison(kind: .text, match: match, reason: (match ? "similar text: " : "different text: ") + scores,
                          cosine: cosine, rougeL: rouge)
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot: Double = 0, na: Double = 0, nb: Double = 0
        for i in 0..<min(a.count, b.count) {
            dot += Double(a[i]) * Double(b[i])
            na += Double(a[i]) * Double(a[i])
            nb += Double(b[i]) * Double(b[i])
        }
        guard na > 0, nb > 0 else { return 0 }
        return dot / (na.squareRoot() * nb.squareRoot())
    }
}
