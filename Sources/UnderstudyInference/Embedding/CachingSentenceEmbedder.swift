import Synchronization

/// A `SentenceEmbedder` that remembers the vectors of the texts it has embedded.
///
/// Prompt features `clause_tools` and `unmatched_text` embed every request's tool texts, and an
/// agent sends the same tools with each of its requests (both features embed them for one request,
/// too): with this cache a request pays only for its question and clauses. Texts not seen before go
/// to the wrapped embedder in one batch. The cache holds at most `capacity` texts and starts over
/// when full (an agent fleet's tool texts are few; a flood of distinct questions must not grow it
/// without bound).
///
/// ```swift
/// let embedder = CachingSentenceEmbedder(try MiniLMEmbedder(modelDirectory: EmbeddingModelLocator.locate()))
/// _ = try embedder.embed(["get_weather: Current weather", "What is the weather in Paris?"])
/// _ = try embedder.embed(["get_weather: Current weather"])  // answered from the cache
/// ```
public final class CachingSentenceEmbedder: SentenceEmbedder {
    public let dimension: Int
    public let name: String
    /// The most texts kept.
    public let capacity: Int
    private let wrapped: any SentenceEmbedder
    private let vectors = Mutex<[String: [Float]]>([:])

    public init(_ wrapped: any SentenceEmbedder, capacity: Int = 4096) {
        self.wrapped = wrapped
        self.dimension = wrapped.dimension
        self.name = wrapped.name
        self.capacity = max(1, capacity)
    }

    /// How many texts the cache holds now.
    public var count: Int { vectors.withLock { $0.count } }

    public func embed(_ texts: [String]) throws -> [[Float]] {
        var found = vectors.withLock { cache in texts.map { cache[$0] } }
        var missing: [String] = []
        var seen = Set<String>()
        for (text, vector) in zip(texts, found) where vector == nil && seen.insert(text).inserted {
            missing.append(text)
        }
        guard !missing.isEmpty else { return found.map { $0! } }
        // Embedded outside the lock: concurrent requests embed in parallel, at worst twice.
        let fresh = Dictionary(zip(missing, try wrapped.embed(missing)), uniquingKeysWith: { a, _ in a })
        vectors.withLock { cache in
            if cache.count + fresh.count > capacity { cache.removeAll(keepingCapacity: true) }
            if fresh.count <= capacity { cache.merge(fresh) { _, new in new } }
        }
        for i in found.indices where found[i] == nil { found[i] = fresh[texts[i]] }
        return found.map { $0! }
    }
}
