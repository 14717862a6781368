import Foundation
import UnderstudyInference
import UnderstudyTestSupport

/// Reference data made once per test process by python/embedding_reference.py with
/// sentence-transformers from .venv: the texts, the HF tokenizer's ids and the embeddings.
struct EmbeddingReference: Sendable {
    var texts: [String]
    var tokenIDs: [[Int32]]
    var vectors: [[Float]]

    static let count = 1000

    static let modelDirectory: URL? = try? EmbeddingModelLocator.locate(searchFrom: TestEnvironment.repositoryRoot)

    static let shared: Result<EmbeddingReference, any Error> = Result { try make() }

    private static func make() throws -> EmbeddingReference {
        guard let model = modelDirectory else {
            throw ReferenceError("the embedding model is not in .venv: run tools/setup")
        }
        let out = try TestEnvironment.temporaryDirectory("embedding-reference")
        defer { try? FileManager.default.removeItem(at: out) }
        let script = TestEnvironment.repositoryRoot.appendingPathComponent(
            "Tests/UnderstudyInferenceTests/python/embedding_reference.py")
        let result = try ProcessRunner.run(
            TestEnvironment.python, [script.path, model.path, out.path, String(count)],
            environment: ["HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"])
        guard result.status == 0 else {
            throw ReferenceError("embedding_reference.py failed: \(result.stderr.suffix(2000))")
        }
        let texts = try JSONDecoder().decode(
            [String].self, from: Data(contentsOf: out.appendingPathComponent("texts.json")))
        let ids = try JSONDecoder().decode(
            [[Int32]].self, from: Data(contentsOf: out.appendingPathComponent("token_ids.json")))
        let raw = try Data(contentsOf: out.appendingPathComponent("vectors.f32"))
        let floats = raw.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let dimension = floats.count / texts.count
        let vectors = (0..<texts.count).map { Array(floats[$0 * dimension..<($0 + 1) * dimension]) }
        return EmbeddingReference(texts: texts, tokenIDs: ids, vectors: vectors)
    }
}

struct ReferenceError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
