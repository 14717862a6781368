import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Model option `pointer_head` (distill/trainer/pointer.py): a tiny specialist trained with
/// question_spans and the head, and PyTorch's logits for its prompts and for answer tokens fed
/// after the prompt (distill/trainer/tests/golden/tiny-pointer-specialist).
struct PointerHeadTests {
    static let directory = TestEnvironment.repositoryRoot.appendingPathComponent(
        "distill/trainer/tests/golden/tiny-pointer-specialist")

    struct Logits: Decodable {
        struct Case: Decodable {
            var id: String
            var input_ids: [Int32]
            var last_logits: [Float]
            var answer_ids: [Int32]
            var answer_rows: [Int]
            var answer_logits: [[Float]]
            var greedy_ids: [Int32]
        }
        var tolerance: Float
        var cases: [Case]
    }

    static func worst(_ a: [Float], _ b: [Float]) -> Float {
        a.count == b.count ? zip(a, b).map { abs($0 - $1) }.max() ?? 0 : .infinity
    }

    @Test func pointerLogitsMatchTheTrainerOnThePromptTheAnswerAndGreedyDecoding() throws {
        let file = try JSONDecoder().decode(
            Logits.self, from: Data(contentsOf: Self.directory.appendingPathComponent("golden_logits.json")))
        let model = try LlamaModel(directory: Self.directory)
        #expect(model.configuration.pointerHead != nil)
        #expect(file.cases.contains { !$0.answer_rows.isEmpty }, "no case writes a pointer in its answer")
        for item in file.cases {
            var cache = model.makeCache()
            let last = model.forward(item.input_ids, cache: &cache).storage
            #expect(Self.worst(last, item.last_logits) <= file.tolerance, "\(item.id) prompt")
            // The answer fed after the prompt, all positions: the rows after its pointers.
            let rows = model.forward(item.answer_ids, cache: &cache, allPositions: true)
            for (row, expected) in zip(item.answer_rows, item.answer_logits) {
                #expect(Self.worst(rows.row(row), expected) <= file.tolerance, "\(item.id) answer row \(row)")
            }
            let result = try model.generate(
                prompt: item.input_ids, configuration: .init(maxNewTokens: item.greedy_ids.count))
            #expect(result.tokens == item.greedy_ids, "\(item.id) greedy")
        }
    }

    @Test(arguments: [
        ("understudy_pointer_head", "{\"version\": 2, \"first_id\": 72, \"count\": 128}", "version"),
        ("understudy_copy_head", "{\"version\": 1}", "understudy_copy_head"),
        ("understudy_pointer_head", "{\"version\": 1, \"first_id\": 72, \"count\": 100000}", "vocab_size"),
    ])
    func aModelOptionThisBuildCannotServeIsRefusedByName(key: String, value: String, named: String) throws {
        let copy = try TestEnvironment.temporaryDirectory("pointer-head")
        defer { try? FileManager.default.removeItem(at: copy) }
        for name in ["model.safetensors", "tokenizer.json"] {
            try FileManager.default.copyItem(
                at: Self.directory.appendingPathComponent(name), to: copy.appendingPathComponent(name))
        }
        var config = try #require(
            JSONSerialization.jsonObject(with: Data(contentsOf: Self.directory.appendingPathComponent("config.json")))
                as? [String: Any])
        config[key] = try JSONSerialization.jsonObject(with: Data(value.utf8))
        try JSONSerialization.data(withJSONObject: config).write(to: copy.appendingPathComponent("config.json"))
        do {
            _ = try LlamaModel(directory: copy)
            Issue.record("a model with \(key) = \(value) was loaded")
        } catch let error as InferenceError {
            #expect(error.description.contains(named) && error.description.contains("config.json"), "\(error)")
        }
    }
}
