import Foundation
import UnderstudyTestSupport

/// Tiny random decoders (Llama f32 with linear RoPE scaling and GQA, Qwen2 bf16 with QKV bias
/// and tied embeddings, Llama f16) and their reference outputs, made once per test process by
/// python/decoder_reference.py with transformers and tokenizers from .venv.
struct DecoderReference: Sendable {
    struct Tokenization: Decodable, Sendable {
        var text: String
        var ids: [Int32]
    }
    struct Prompt: Decodable, Sendable {
        var ids: [Int32]
        var logits: [Float]
        var vocab: Int
    }
    struct Generation: Decodable, Sendable {
        var prompt_ids: [Int32]
        var output_ids: [Int32]
    }
    struct Variant: Decodable, Sendable {
        var tokenization: [Tokenization]
        var prompts: [Prompt]
        var generate: [Generation]
    }

    static let variants = ["llama-f32", "qwen2-bf16", "llama-f16"]

    /// The directory holding one folder per variant (kept for the test process's lifetime, then removed).
    let root: URL

    func directory(_ variant: String) -> URL { root.appendingPathComponent(variant) }

    func reference(_ variant: String) throws -> Variant {
        try JSONDecoder().decode(
            Variant.self, from: Data(contentsOf: directory(variant).appendingPathComponent("reference.json")))
    }

    static let shared: Result<DecoderReference, any Error> = Result {
        let root = try TestEnvironment.temporaryDirectory("decoder-reference")
        TestEnvironment.removeAtExit(root)
        let script = TestEnvironment.repositoryRoot.appendingPathComponent(
            "Tests/UnderstudyInferenceTests/python/decoder_reference.py")
        let result = try ProcessRunner.run(
            TestEnvironment.python, [script.path, root.path],
            environment: ["HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"])
        guard result.status == 0 else {
            throw ReferenceError("decoder_reference.py failed: \(result.stderr.suffix(2000))")
        }
        return DecoderReference(root: root)
    }
}
