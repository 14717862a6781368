import Synchronization
import Testing
import UnderstudyInference

/// The cache in front of the sentence embedder (clause_tools, unmatched_text): a request whose
/// tool texts were seen before embeds only its new texts, and every vector is the wrapped
/// embedder's.
struct CachingSentenceEmbedderTests {
    /// Counts the texts it is asked to embed.
    final class CountingEmbedder: SentenceEmbedder {
        // Fitted once, so a text's vector does not depend on the batch it comes in.
        let inner = HashingEmbedder(dimension: 64).fitted(on: ["weather in a city", "convert money"])
        let embedded = Mutex<[String]>([])
        var dimension: Int { inner.dimension }
        var name: String { "counting" }
        func embed(_ texts: [String]) throws -> [[Float]] {
            embedded.withLock { $0 += texts }
            return try inner.embed(texts)
        }
    }

    @Test func repeatedTextsAreEmbeddedOnceWithTheSameVectors() throws {
        let counting = CountingEmbedder()
        let cache = CachingSentenceEmbedder(counting)
        let tools = ["get weather: Current weather of a city", "convert currency: Convert money"]
        let first = try cache.embed(tools + ["What is the weather in Paris?", tools[0]])
        let second = try cache.embed(["Convert 5 USD to EUR", tools[1], tools[0]])
        #expect(first == (try counting.inner.embed(tools + ["What is the weather in Paris?", tools[0]])))
        #expect(second == (try counting.inner.embed(["Convert 5 USD to EUR", tools[1], tools[0]])))
        // Each distinct text reached the embedder once, the tools with the first request only.
        #expect(counting.embedded.withLock { $0 } == tools + ["What is the weather in Paris?", "Convert 5 USD to EUR"])
        #expect(cache.count == 4)
    }

    @Test func aFullCacheStartsOverInsteadOfGrowing() throws {
        let counting = CountingEmbedder()
        let cache = CachingSentenceEmbedder(counting, capacity: 3)
        _ = try cache.embed(["a", "b", "c"])
        _ = try cache.embed(["d"])
        #expect(cache.count == 1)
        #expect(try cache.embed(["a"]) == (try counting.inner.embed(["a"])))
        #expect(counting.embedded.withLock { $0 } == ["a", "b", "c", "d", "a"])
        // A batch larger than the capacity is answered but not kept.
        _ = try cache.embed(["w", "x", "y", "z"])
        #expect(cache.count == 0)
    }
}
