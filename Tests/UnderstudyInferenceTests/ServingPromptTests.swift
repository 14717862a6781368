import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// tools/bench/specialist decodes the prompts serving decodes: `inference-bench prompts` writes
/// `promptIDs(servingPrompt(request))`, and these tests hold it to the ids `Specialist.answer`
/// (what replay and serve call) decodes and to the trainer's prompts, on the tiny trained
/// specialist with prompt features listed (the bench once rendered prompts without the
/// specialist's `retrieval_hint` / `recent_slots`, and its constrained row stopped after 3 tokens).
struct ServingPromptTests {
    static func specialist(_ name: String, features: [String]) throws -> (Specialist, URL) {
        let directory = try RetrievalHintTests.copy(name, features: features, index: true)
        let embedder = try MiniLMEmbedder(modelDirectory: #require(EmbeddingReference.modelDirectory))
        return (try Specialist(directory: directory, embedder: embedder), directory)
    }

    /// The bench's ids of a request: what `inference-bench prompts` writes for it.
    static func benchIDs(_ specialist: Specialist, _ messages: [PromptRenderer.Message]) throws -> [Int32] {
        let served = try specialist.servingPrompt(messages)
        return specialist.promptIDs(served.prompt, listed: served.listed != nil)
    }

    @Test func benchPromptsAreTheIdsTheServedAnswerDecodes() throws {
        let (specialist, directory) = try Self.specialist(
            "specialist-serving-prompt", features: [RetrievalHint.feature, SlotRecency.feature])
        defer { try? FileManager.default.removeItem(at: directory) }
        // A conversation longer than max_prompt_tokens (256) too: both keep <|bos|> and the last ids.
        let long = PromptRenderer.Message(
            role: "user", content: (1...120).map { "order O\($0)" }.joined(separator: ", ") + ". Drop booking BK-2231.")
        let requests = try RetrievalHintTests.cases().map(\.messages) + [[long]]
        for messages in requests {
            let bench = try Self.benchIDs(specialist, messages)
            let served = try specialist.answer(messages)
            #expect(bench == served.promptIDs, "\(messages.last?.content ?? "")")
            // The specialist's features are in the bench's prompt: the hint, and slots by recency
            // (the plain rendering, the old bench's prompt, differs wherever a request has 2+ slots).
            let text = specialist.tokenizer.decode(bench)
            #expect(text.contains(RetrievalHint.token))
            let plain = try PromptRenderer.renderPrompt(messages)
            if plain.slots.slots.count >= 2 { #expect(bench != specialist.promptIDs(plain, listed: false)) }
        }
        #expect(try Self.benchIDs(specialist, [long]).count == specialist.maxPromptTokens)
    }

    /// With `retrieval_hint` listed, the bench's prompt is the trainer's hinted prompt (the golden
    /// files distill/trainer/golden_features.py writes with sentence-transformers).
    @Test func benchPromptsAreTheTrainersPrompts() throws {
        let (specialist, directory) = try Self.specialist("specialist-serving-prompt-golden", features: [RetrievalHint.feature])
        defer { try? FileManager.default.removeItem(at: directory) }
        for item in try RetrievalHintTests.cases() {
            let served = try specialist.servingPrompt(item.messages)
            #expect(served.prompt.text == item.promptText, "\(item.name)")
            #expect(
                try Self.benchIDs(specialist, item.messages) == specialist.tokenizer.encode(item.promptText),
                "\(item.name)")
        }
    }
}
