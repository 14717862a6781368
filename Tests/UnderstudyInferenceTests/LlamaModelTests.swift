import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

struct LlamaModelTests {
    @Test(arguments: DecoderReference.variants)
    func logitsMatchPyTorch(variant: String) throws {
        let reference = try DecoderReference.shared.get()
        let model = try LlamaModel(directory: reference.directory(variant))
        for prompt in try reference.reference(variant).prompts {
            var cache = model.makeCache()
            let logits = model.forward(prompt.ids, cache: &cache, allPositions: true)
            #expect(logits.rows == prompt.ids.count && logits.columns == prompt.vocab)
            let worst = zip(logits.storage, prompt.logits).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst < 1e-3, "\(variant): max |Δlogit| \(worst)")
        }
    }

    @Test(arguments: DecoderReference.variants)
    func cachedDecodingMatchesGreedyGenerate(variant: String) throws {
        let reference = try DecoderReference.shared.get()
        let model = try LlamaModel(directory: reference.directory(variant))
        for item in try reference.reference(variant).generate {
            let result = try model.generate(
                prompt: item.prompt_ids, configuration: .init(maxNewTokens: item.output_ids.count, stopTokens: []))
            #expect(result.tokens == item.output_ids, "\(variant)")
        }
    }

    @Test func seededSamplingIsReproducibleAndTemperatureMatters() throws {
        let reference = try DecoderReference.shared.get()
        let model = try LlamaModel(directory: reference.directory("llama-f32"))
        let prompt = try reference.reference("llama-f32").prompts[0].ids
        let hot = GenerationConfiguration(maxNewTokens: 16, temperature: 1.5, seed: 42, stopTokens: [])
        let a = try model.generate(prompt: prompt, configuration: hot)
        let b = try model.generate(prompt: prompt, configuration: hot)
        #expect(a.tokens == b.tokens)
        var other = hot
        other.seed = 7
        let greedy = try model.generate(prompt: prompt, configuration: .init(maxNewTokens: 16, stopTokens: []))
        let c = try model.generate(prompt: prompt, configuration: other)
        #expect(a.tokens != greedy.tokens || c.tokens != greedy.tokens)
        #expect(a.minLogProbability <= a.meanLogProbability && a.meanLogProbability <= 0)
    }

    @Test func missingTensorIsNamed() throws {
        let reference = try DecoderReference.shared.get()
        let source = reference.directory("llama-f32")
        let directory = try TestEnvironment.temporaryDirectory("llama-model")
        defer { try? FileManager.default.removeItem(at: directory) }
        // Qwen2 weights under a Llama config whose head is untied: lm_head.weight is missing.
        try FileManager.default.copyItem(
            at: source.appendingPathComponent("config.json"), to: directory.appendingPathComponent("config.json"))
        try FileManager.default.copyItem(
            at: reference.directory("qwen2-bf16").appendingPathComponent("model.safetensors"),
            to: directory.appendingPathComponent("model.safetensors"))
        #expect {
            _ = try LlamaModel(directory: directory)
        } throws: { error in
            let text = String(describing: error)
            return text.contains("model.safetensors") && (text.contains("lm_head.weight") || text.contains("q_proj"))
        }
    }
}
