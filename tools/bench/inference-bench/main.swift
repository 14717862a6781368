// inference-bench: the Swift side of tools/bench/embed and tools/bench/specialist. Prints one
// JSON object of measurements on stdout; the bench scripts run the Python peers and compare.
//
//   inference-bench embed TEXTS.json [MODEL_DIR]
//   inference-bench specialist MODEL_DIR PROMPTS.json NEW_TOKENS [--constrained TOOLS.json]
//   inference-bench exact SPECIALIST_DIR SPLIT.jsonl [LIMIT]
//   inference-bench prompts SPECIALIST_DIR SPLIT.jsonl [LIMIT]
//   inference-bench embed-requests SPECIALIST_DIR SPLIT.jsonl [LIMIT]
import Foundation
import UnderstudyInference

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(1)
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

/// The 90th percentile (0 for no values).
func p90(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.sorted()[values.count * 9 / 10] }

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    fail("usage: inference-bench embed TEXTS.json [MODEL] | specialist MODEL PROMPTS.json N")
}
do {
    switch arguments[1] {
    case "embed":
        let texts = try JSONDecoder().decode([String].self, from: Data(contentsOf: URL(fileURLWithPath: arguments[2])))
        let directory = try EmbeddingModelLocator.locate(explicit: arguments.count > 3 ? arguments[3] : nil)
        let embedder = try MiniLMEmbedder(modelDirectory: directory)
        _ = try embedder.embed(Array(texts.prefix(32)))  // warm-up
        var runs: [Double] = []
        for _ in 0..<3 {
            let start = now()
            _ = try embedder.embed(texts)
            runs.append(now() - start)
        }
        emit([
            "texts": texts.count, "seconds": median(runs), "sentences_per_second": Double(texts.count) / median(runs),
            "threads": BLAS.threads, "kernels": BLAS.coreName,
        ])
    case "specialist":
        guard arguments.count >= 5, let newTokens = Int(arguments[4]) else { fail("specialist MODEL PROMPTS.json N") }
        let directory = URL(fileURLWithPath: arguments[2])
        let model = try LlamaModel(directory: directory)
        let prompts = try JSONDecoder().decode(
            [[Int32]].self, from: Data(contentsOf: URL(fileURLWithPath: arguments[3])))
        let configuration = GenerationConfiguration(maxNewTokens: newTokens, stopTokens: [])
        _ = try model.generate(prompt: prompts[0], configuration: configuration)  // warm-up
        var latencies: [Double] = []
        var decodeRates: [Double] = []
        var generated = 0
        for prompt in prompts {
            let start = now()
            var cache = model.makeCache(capacity: prompt.count + newTokens + 1)
            var logits = model.forward(prompt, cache: &cache).storage
            let prefilled = now()
            var produced = 0
            while produced < newTokens {
                let token = Int32(logits.indices.max { logits[$0] < logits[$1] }!)
                produced += 1
                if produced == newTokens { break }
                logits = model.forward([token], cache: &cache).storage
            }
            let end = now()
            latencies.append((end - start) * 1000)
            decodeRates.append(Double(newTokens - 1) / (end - prefilled))
            generated += produced
        }
        // The full generate() path, for the same prompts (includes sampling bookkeeping).
        var generateLatencies: [Double] = []
        for prompt in prompts {
            let start = now()
            _ = try model.generate(prompt: prompt, configuration: configuration)
            generateLatencies.append((now() - start) * 1000)
        }
        var result: [String: Any] = [
            "calls": prompts.count, "new_tokens": newTokens, "p50_ms": median(latencies),
            "p90_ms": p90(latencies), "decode_tokens_per_second": median(decodeRates),
            "generate_p50_ms": median(generateLatencies), "threads": BLAS.threads,
        ]
        if arguments.count >= 7, arguments[5] == "--constrained" {
            let tokenizer = try BPETokenizer(url: directory.appendingPathComponent("tokenizer.json"))
            let tools =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: arguments[6])))
                as! [[String: Any]]
            let graph = JSONSchemaGraph()
            let root = graph.canonicalResponse(tools: tools.map { ($0["name"] as! String, $0["parameters"]) })
            let index = VocabularyIndex(tokenizer: tokenizer)
            let end = tokenizer.id(of: "<|end|>").map { Set([$0]) } ?? []
            var constrained: [Double] = []
            var tokens: [Int] = []
            // Slot counts of the rendered prompts (slots.json beside the prompts), else 8.
            let slotsURL = URL(fileURLWithPath: arguments[3]).deletingLastPathComponent().appendingPathComponent(
                "slots.json")
            let slotCounts = (try? JSONDecoder().decode([Int].self, from: Data(contentsOf: slotsURL))) ?? []
            for (number, prompt) in prompts.enumerated() {
                let slots = number < slotCounts.count ? slotCounts[number] : 8
                let constraint = JSONConstraint(
                    index: index, automaton: JSONAutomaton(graph: graph, root: root, slots: slots, sortedKeys: true),
                    endTokens: end)
                let start = now()
                let output = try model.generate(
                    prompt: prompt, configuration: .init(maxNewTokens: newTokens, stopTokens: end),
                    constraint: constraint)
                constrained.append((now() - start) * 1000)
                tokens.append(output.tokens.count)
            }
            result["constrained_p50_ms"] = median(constrained)
            result["constrained_tokens_median"] = median(tokens.map(Double.init))
        }
        emit(result)
    case "exact", "embed-requests", "prompts":
        guard arguments.count >= 4 else { fail("\(arguments[1]) SPECIALIST_DIR SPLIT.jsonl [LIMIT]") }
        let (directory, split) = (URL(fileURLWithPath: arguments[2]), URL(fileURLWithPath: arguments[3]))
        let limit = arguments.count > 4 ? Int(arguments[4]) ?? Int.max : Int.max
        switch arguments[1] {
        case "exact": emit(try ExactMatch.run(directory: directory, split: split, limit: limit))
        case "prompts": emit(try ServingPrompts.run(directory: directory, split: split, limit: limit))
        default: emit(try EmbedRequests.run(directory: directory, split: split, limit: limit))
        }
    default:
        fail("unknown mode \(arguments[1])")
    }
} catch {
    fail("inference-bench: \(error)")
}
