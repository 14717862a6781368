import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

struct MiniLMEmbedderTests {
    @Test func matchesSentenceTransformersOnThousandTexts() throws {
        let reference = try EmbeddingReference.shared.get()
        let embedder = try MiniLMEmbedder(modelDirectory: #require(EmbeddingReference.modelDirectory))
        let vectors = try embedder.embed(reference.texts)
        #expect(vectors.count == reference.texts.count)
        var worst: (cosine: Float, text: String) = (1, "")
        var largestDifference: Float = 0
        for (index, (ours, theirs)) in zip(vectors, reference.vectors).enumerated() {
            #expect(ours.count == 384)
            let cosine = zip(ours, theirs).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            if cosine < worst.cosine { worst = (cosine, reference.texts[index]) }
            largestDifference = max(largestDifference, zip(ours, theirs).map { abs($0 - $1) }.max() ?? 0)
        }
        #expect(worst.cosine >= 0.999, "lowest cosine \(worst.cosine) for \(worst.text.debugDescription.prefix(100))")
        // clause_tools and unmatched_text compare dot products of these vectors with the trainer's
        // thresholds and choices: every component stays within float rounding of PyTorch's.
        #expect(largestDifference <= 1e-5, "largest component difference \(largestDifference)")
    }

    @Test func vectorsAreUnitLengthAndOrderIndependent() throws {
        let embedder = try MiniLMEmbedder(modelDirectory: #require(EmbeddingReference.modelDirectory))
        let texts = ["book a flight to Paris", "what is the weather in Tokyo", "", "refund my order 42"]
        let forward = try embedder.embed(texts)
        let backward = try embedder.embed(texts.reversed())
        for (index, vector) in forward.enumerated() {
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-4)
            let other = backward[texts.count - 1 - index]
            #expect(zip(vector, other).allSatisfy { abs($0 - $1) < 1e-5 })
        }
    }

    /// A request's question, clauses and tool texts go through the encoder in one packed batch;
    /// each text's vector must be the one it gets alone.
    @Test func aBatchedForwardEqualsOneForwardPerText() throws {
        let embedder = try MiniLMEmbedder(modelDirectory: #require(EmbeddingReference.modelDirectory))
        let texts = [
            "Find air quality index in San Jose for next three days.",
            "environmental data air quality index: Retrieves Air Quality Index (AQI) for specified location over a number of days.",
            "get weather: Current weather of a city", "Also convert 5 USD to EUR.", "hi",
            String(repeating: "a long tool description with many words ", count: 12),
        ]
        let together = try embedder.embed(texts)
        for (text, vector) in zip(texts, together) {
            let alone = try embedder.embed([text])[0]
            let worst = zip(vector, alone).map { abs($0 - $1) }.max() ?? 1
            #expect(worst <= 1e-5, "\(text.prefix(40)): \(worst)")
        }
    }

    @Test func similarMeaningsAreCloserThanUnrelatedOnes() throws {
        let embedder = try MiniLMEmbedder(modelDirectory: #require(EmbeddingReference.modelDirectory))
        let v = try embedder.embed([
            "book a flight to Paris", "reserve a plane ticket to Paris", "the stock market fell",
        ])
        func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        #expect(cosine(v[0], v[1]) > cosine(v[0], v[2]) + 0.2)
    }

    @Test func missingWeightsNameTheFile() throws {
        let source = try #require(EmbeddingReference.modelDirectory)
        let directory = try TestEnvironment.temporaryDirectory("minilm-embedder")
        defer { try? FileManager.default.removeItem(at: directory) }
        for file in ["config.json", "tokenizer.json", "vocab.txt"] {
            try FileManager.default.copyItem(
                at: source.appendingPathComponent(file), to: directory.appendingPathComponent(file))
        }
        #expect {
            _ = try MiniLMEmbedder(modelDirectory: directory)
        } throws: { error in
            String(describing: error).contains("model.safetensors")
        }
    }
}
