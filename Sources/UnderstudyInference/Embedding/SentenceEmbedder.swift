/// Turns texts into fixed-size vectors whose cosine similarity reflects similarity of meaning.
///
/// ```swift
/// let embedder: any SentenceEmbedder = try MiniLMEmbedder(modelDirectory: EmbeddingModelLocator.locate())
/// let vectors = try embedder.embed(["book a flight", "reserve a plane ticket"])
/// ```
public protocol SentenceEmbedder: Sendable {
    /// Length of every vector `embed` returns.
    var dimension: Int { get }
    /// A short name for run records ("all-MiniLM-L6-v2", "hashing").
    var name: String { get }
    /// One L2-normalized vector per text, in the order given.
    func embed(_ texts: [String]) throws -> [[Float]]
}
