import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `retrieval_hint`: the golden files of distill/trainer/golden_retrieval.py (an
/// index the trainer built with sentence-transformers, requests with their neighbours and hinted
/// prompts) and how a specialist declares the feature.
struct RetrievalHintTests {
    static let golden = TestEnvironment.repositoryRoot.appendingPathComponent(
        "distill/trainer/tests/golden/retrieval")

    struct Case {
        var name: String
        var messages: [PromptRenderer.Message]
        var query: String
        var neighbours: [Int]
        var promptText: String
    }

    static func cases() throws -> [Case] {
        try String(contentsOf: golden.appendingPathComponent("cases.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { line in
                let item = try OrderedJSON.parse(String(line))
                guard case .string(let name)? = item["name"], case .array(let messages)? = item["messages"],
                    case .string(let query)? = item["query"], case .array(let neighbours)? = item["neighbours"],
                    case .string(let prompt)? = item["prompt_text"]
                else { throw ReferenceError("unexpected golden line \(line.prefix(80))") }
                return Case(
                    name: name, messages: messages.map(PromptRenderer.Message.init(json:)), query: query,
                    neighbours: neighbours.compactMap { if case .number(let n) = $0 { Int(n) } else { nil } },
                    promptText: prompt)
            }
    }

    @Test func goldenRequestsGetTheTrainersNeighboursAndPrompt() throws {
        let embedder = try MiniLMEmbedder(modelDirectory: #require(EmbeddingReference.modelDirectory))
        let hint = try RetrievalHint(directory: Self.golden, embedder: embedder)
        let cases = try Self.cases()
        #expect(cases.count >= 3 && hint.k == 2 && hint.hints.count == 8)
        for item in cases {
            #expect(RetrievalHint.queryText(item.messages) == item.query, "\(item.name)")
            #expect(hint.neighbours(of: try embedder.embed([item.query])[0]) == item.neighbours, "\(item.name)")
            let prompt = try hint.hinted(PromptRenderer.renderPrompt(item.messages), messages: item.messages)
            #expect(prompt.text == item.promptText, "\(item.name)")
        }
    }

    /// The tiny specialist copied with `prompt_features` set (and the golden index beside it).
    static func copy(_ name: String, features: [String], index: Bool) throws -> URL {
        let directory = try SpecialistTests.requestToolsCopy(name, promptFormat: 3)
        let specURL = directory.appendingPathComponent("specialist.json")
        var spec = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: specURL)) as? [String: Any])
        spec["request_tools"] = false
        spec["prompt_features"] = features
        try JSONSerialization.data(withJSONObject: spec).write(to: specURL)
        if index {
            for file in ["retrieval.json", "retrieval.safetensors"] {
                try FileManager.default.copyItem(
                    at: Self.golden.appendingPathComponent(file), to: directory.appendingPathComponent(file))
            }
        }
        return directory
    }

    @Test func specialistWithTheFeatureAnswersThroughItsIndex() throws {
        let directory = try Self.copy("specialist-retrieval", features: ["retrieval_hint"], index: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let embedder = try MiniLMEmbedder(modelDirectory: #require(EmbeddingReference.modelDirectory))
        let specialist = try Specialist(directory: directory, embedder: embedder)
        #expect(specialist.promptFeatures == ["retrieval_hint"] && specialist.retrieval?.hints.count == 8)
        let answer = try specialist.answer([.init(role: "user", content: "Drop booking BK-2231.")])
        #expect(answer.tokens > 0)
    }

    @Test func missingIndexAndUnknownFeatureAreNamed() throws {
        let missing = try Self.copy("specialist-retrieval-missing", features: ["retrieval_hint"], index: false)
        defer { try? FileManager.default.removeItem(at: missing) }
        #expect {
            _ = try Specialist(directory: missing, embedder: HashingEmbedder(dimension: 384))
        } throws: { String(describing: $0).contains("retrieval.json") }
        let unknown = try Self.copy("specialist-unknown-feature", features: ["mind_reading"], index: false)
        defer { try? FileManager.default.removeItem(at: unknown) }
        #expect {
            _ = try Specialist(directory: unknown)
        } throws: { error in
            let text = String(describing: error)
            return text.contains("mind_reading") && text.contains("prompt_features") && text.contains("specialist.json")
        }
    }
}
