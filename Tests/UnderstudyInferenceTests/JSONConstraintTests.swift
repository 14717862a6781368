import Foundation
import Testing
import UnderstudyInference

struct JSONConstraintTests {
    nonisolated(unsafe) static let tools: [(name: String, parameters: Any?)] = [
        ("get_weather", JSONAutomatonTests.weather),
        (
            "book_flight",
            [
                "type": "object",
                "properties": [
                    "from": ["type": "string"], "to": ["type": "string"],
                    "seats": ["type": "integer"],
                ], "required": ["from", "to"],
            ]
        ),
    ]

    @Test func randomModelSampledUnderConstraintAlwaysWritesValidToolCalls() throws {
        let reference = try DecoderReference.shared.get()
        let directory = reference.directory("llama-f32")
        let model = try LlamaModel(directory: directory)
        let tokenizer = try BPETokenizer(url: directory.appendingPathComponent("tokenizer.json"))
        let index = VocabularyIndex(tokenizer: tokenizer)
        let graph = JSONSchemaGraph()
        let root = graph.canonicalResponse(tools: Self.tools)
        let end = try #require(tokenizer.id(of: "<|end|>"))
        let prompt = tokenizer.encode("<|bos|><|user|>book a flight from <S0> to <S1><|answer|>")
        var completed = 0
        for seed in 0..<12 {
            let constraint = JSONConstraint(
                index: index, automaton: JSONAutomaton(graph: graph, root: root, slots: 2, sortedKeys: true),
                endTokens: [end])
            let result = try model.generate(
                prompt: prompt,
                configuration: .init(maxNewTokens: 160, temperature: 1, seed: UInt64(seed), stopTokens: [end]),
                constraint: constraint)
            #expect(
                result.finishReason != .constraint, "dead end after \(tokenizer.decode(result.tokens).debugDescription)"
            )
            #expect(result.minLogProbability <= result.meanLogProbability)
            guard result.finishReason == .stop else { continue }
            completed += 1
            // Slots back to values, then the text must be a canonical response that fits the tools.
            // (Only slots in value position: inside a string "<S0>" is just text.)
            let text = tokenizer.decode(result.tokens)
                .replacingOccurrences(of: #"(?<=[:\[,])<S0>"#, with: "\"ZRH\"", options: .regularExpression)
                .replacingOccurrences(of: #"(?<=[:\[,])<S1>"#, with: "7", options: .regularExpression)
            let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8))
            let object = try #require(parsed as? [String: Any], "not JSON: \(text.debugDescription)")
            let calls = try #require(object["tool_calls"] as? [[String: Any]])
            for call in calls {
                let name = try #require(call["name"] as? String)
                #expect(["get_weather", "book_flight"].contains(name))
                let arguments = try #require(call["arguments"] as? [String: Any])
                if name == "book_flight" { #expect(arguments["from"] != nil && arguments["to"] != nil) }
                if name == "get_weather" {
                    #expect(arguments["city"] != nil)
                    if let unit = arguments["unit"] {
                        #expect(["celsius", "fahrenheit"].contains(unit as? String ?? ""))
                    }
                }
            }
        }
        #expect(completed > 0, "no sampled answer finished within 160 tokens")
    }

    @Test func maskAllowsExactlyTheTokensABruteForceCheckAllows() throws {
        let reference = try DecoderReference.shared.get()
        let tokenizer = try BPETokenizer(url: reference.directory("llama-f32").appendingPathComponent("tokenizer.json"))
        let index = VocabularyIndex(tokenizer: tokenizer)
        let graph = JSONSchemaGraph()
        let root = graph.canonicalResponse(tools: Self.tools)
        for prefix in [
            "", #"{"content":null,"tool_calls":[{"name":"get_weather","arguments":{"c"#,
            #"{"content":"some text"#, #"{"content":null,"tool_calls":[{"name":"book_flight","arguments":{"from":<S0>"#,
        ] {
            var automaton = JSONAutomaton(graph: graph, root: root, slots: 2, sortedKeys: true)
            let fed = automaton.feed(Array(prefix.utf8))
            #expect(fed)
            let fast = Set(index.allowedTokens(after: automaton))
            var brute = Set<Int32>()
            for id in 0..<Int32(tokenizer.count) {
                if let added = tokenizer.addedTokens[id], added.special, !added.content.hasPrefix("<S") { continue }
                var trial = automaton
                if trial.feed(tokenizer.bytes(of: id)) { brute.insert(id) }
            }
            #expect(fast == brute, "after \(prefix)")
            #expect(!fast.isEmpty)
        }
    }
}
