import Foundation

/// A sentence-transformers model of the BERT family (all-MiniLM-L6-v2): WordPiece tokens,
/// the BERT encoder, mean pooling over tokens and L2 normalization.
///
/// Texts are sorted by token count and packed into batches of about `tokensPerBatch` tokens;
/// results come back in input order.
///
/// ```swift
/// let embedder = try MiniLMEmbedder(modelDirectory: try EmbeddingModelLocator.locate())
/// let v = try embedder.embed(["hello"])[0]   // 384 floats, ‖v‖ = 1
/// ```
public final class MiniLMEmbedder: SentenceEmbedder, @unchecked Sendable {
    /// The encoder.
    public let encoder: BertEncoder
    /// The tokenizer (its `maxLength` is the model's `max_seq_length`).
    public let tokenizer: WordPieceTokenizer
    public let name: String
    public var dimension: Int { encoder.configuration.hiddenSize }
    /// Tokens per packed batch: large enough for efficient sgemm, small enough to stay in cache.
    public var tokensPerBatch = 2048

    /// Loads a sentence-transformers directory: `config.json`, `model.safetensors`,
    /// `tokenizer.json` or `vocab.txt`, and `sentence_bert_config.json` (for `max_seq_length`;
    /// 256 when absent).
    public init(modelDirectory: URL) throws {
        var maxLength = 256
        let stConfig = modelDirectory.appendingPathComponent("sentence_bert_config.json")
        if let data = FileManager.default.contents(atPath: stConfig.path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let value = object["max_seq_length"] as? Int
        {
            maxLength = value
        }
        encoder = try BertEncoder(directory: modelDirectory)
        maxLength = min(maxLength, encoder.configuration.maxPositions)
        tokenizer = try WordPieceTokenizer(directory: modelDirectory, maxLength: maxLength)
        if let largest = tokenizer.vocabulary.values.max(), Int(largest) >= encoder.configuration.vocabularySize {
            throw InferenceError.unsupportedModel(
                modelDirectory.path,
                "tokenizer id \(largest) is outside the model's vocab_size \(encoder.configuration.vocabularySize)")
        }
        name = modelDirectory.lastPathComponent == "model" ? "all-MiniLM-L6-v2" : modelDirectory.lastPathComponent
    }

    public func embed(_ texts: [String]) throws -> [[Float]] {
        let tokenized = texts.map { tokenizer.encode($0) }
        let order = tokenized.indices.sorted { tokenized[$0].count < tokenized[$1].count }
        var results = [[Float]](repeating: [], count: texts.count)
        let h = dimension
        BLAS.compute {
            var workspace = BertEncoder.Workspace()
            var start = 0
            while start < order.count {
                var end = start
                var tokens = 0
                while end < order.count && (end == start || tokens + tokenized[order[end]].count <= tokensPerBatch) {
                    tokens += tokenized[order[end]].count
                    end += 1
                }
                let batch = order[start..<end].map { tokenized[$0] }
                let hidden = encoder.forward(batch, workspace: &workspace)
                hidden.storage.withUnsafeBufferPointer { states in
                    var row = 0
                    for (index, sequence) in zip(order[start..<end], batch) {
                        var pooled = [Double](repeating: 0, count: h)
                        for r in row..<(row + sequence.count) {
                            let p = states.baseAddress! + r * h
                            for i in 0..<h { pooled[i] += Double(p[i]) }
                        }
                        row += sequence.count
                        let norm = max(pooled.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
                        results[index] = pooled.map { Float($0 / norm) }
                    }
                }
                start = end
            }
        }
        return results
    }
}
