import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// The trainer's golden files (distill/trainer/tests/golden): a tiny trained specialist with its
/// prompts' token ids, last-position logits and greedy output from PyTorch, and the prompt
/// format's tokenizer with the ids of rendered prompts and targets.
struct TrainerGoldenTests {
    static let golden = TestEnvironment.repositoryRoot.appendingPathComponent("distill/trainer/tests/golden")

    struct Logits: Decodable {
        struct Case: Decodable {
            var id: String
            var prompt_text: String
            var input_ids: [Int32]
            var last_logits: [Float]
            var greedy_ids: [Int32]
            var greedy_text: String
        }
        var tolerance: Float
        var cases: [Case]
    }

    struct PromptCase: Decodable {
        var name: String
        var prompt_text: String
        var target_text: String
        var prompt_ids: [Int32]
        var target_ids: [Int32]
    }

    @Test func trainedSpecialistMatchesTrainerLogitsAndGreedyOutput() throws {
        let directory = Self.golden.appendingPathComponent("tiny-specialist")
        let file = try JSONDecoder().decode(
            Logits.self, from: Data(contentsOf: directory.appendingPathComponent("golden_logits.json")))
        let model = try LlamaModel(directory: directory)
        let tokenizer = try BPETokenizer(url: directory.appendingPathComponent("tokenizer.json"))
        #expect(!file.cases.isEmpty)
        for item in file.cases {
            #expect(tokenizer.encode(item.prompt_text) == item.input_ids, "\(item.id)")
            var cache = model.makeCache()
            let logits = model.forward(item.input_ids, cache: &cache).storage
            let worst = zip(logits, item.last_logits).map { abs($0 - $1) }.max() ?? .infinity
            #expect(logits.count == item.last_logits.count && worst <= file.tolerance, "\(item.id): max |Δ| \(worst)")
            let end = try #require(tokenizer.id(of: "<|end|>"))
            let result = try model.generate(
                prompt: item.input_ids, configuration: .init(maxNewTokens: item.greedy_ids.count, stopTokens: [end]))
            #expect(result.tokens == item.greedy_ids.filter { $0 != end }, "\(item.id)")
            #expect(tokenizer.decode(result.tokens) == item.greedy_text, "\(item.id)")
        }
    }

    @Test func tokenizerEncodesRenderedPromptsAndTargetsAsTheTrainerDoes() throws {
        let tokenizer = try BPETokenizer(url: Self.golden.appendingPathComponent("tokenizer.json"))
        let lines = try String(
            contentsOf: Self.golden.appendingPathComponent("prompt_format_v4.jsonl"), encoding: .utf8
        )
        .split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let item = try JSONDecoder().decode(PromptCase.self, from: Data(line.utf8))
            #expect(tokenizer.encode(item.prompt_text) == item.prompt_ids, "\(item.name) prompt")
            let end = try #require(tokenizer.id(of: "<|end|>"))
            #expect(tokenizer.encode(item.target_text) + [end] == item.target_ids, "\(item.name) target")
        }
    }
}
