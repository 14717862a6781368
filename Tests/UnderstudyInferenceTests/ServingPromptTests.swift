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
        // The same specialist with retrieval_hint alone: the prompt the bench would time if it
        // dropped recent_slots.
        let (hintOnly, hintOnlyDirectory) = try Self.specialist(
            "specialist-serving-prompt-hint-only", features: [RetrievalHint.feature])
        defer { try? FileManager.default.removeItem(at: hintOnlyDirectory) }
        let retrieval = try #require(hintOnly.retrieval)
        // A conversation longer than max_prompt_tokens (256) too: both keep <|bos|> and the last ids.
        let long = PromptRenderer.Message(
            role: "user", content: (1...120).map { "order O\($0)" }.joined(separator: ", ") + ". Drop booking BK-2231.")
        let golden = try RetrievalHintTests.cases().map(\.messages)
        var renumbered = 0
        for (index, messages) in (golden + [[long]]).enumerated() {
            let bench = try Self.benchIDs(specialist, messages)
            // The prompt built here step by step, in the trainer's order: rendering, recent_slots'
            // renumbering, then the neighbours' hints.
            let plain = try PromptRenderer.renderPrompt(messages)
            let expected = retrieval.hinted(
                SlotRecency.renumbered(plain), neighbourHints: try retrieval.neighbourHints(for: messages))
            #expect(bench == specialist.promptIDs(expected, listed: false), "\(messages.last?.content ?? "")")
            // replay and serve (`answer`) decode the bench's ids.
            #expect(try specialist.answer(messages).promptIDs == bench, "\(messages.last?.content ?? "")")
            // With 2+ slots recency renumbers them: the hint-only prompt is another prompt (the
            // long request is left out: cut to its last ids, it read the same either way).
            if index < golden.count, plain.slots.slots.count >= 2 {
                renumbered += 1
                #expect(bench != (try Self.benchIDs(hintOnly, messages)), "\(messages.last?.content ?? "")")
            }
        }
        #expect(renumbered >= 2, "too few requests with 2+ slots to tell recent_slots from its absence")
        #expect(try Self.benchIDs(specialist, [long]).count == specialist.maxPromptTokens)
    }

    /// A specialist with request tools lists them at the head of its prompt; a prompt over
    /// max_prompt_tokens keeps that list whole and its last ids (the trainer's truncate_prompt).
    @Test func longRequestToolsPromptsKeepTheToolList() throws {
        let directory = try SpecialistTests.requestToolsCopy("specialist-serving-prompt-tools", promptFormat: 3)
        defer { try? FileManager.default.removeItem(at: directory) }
        let specialist = try Specialist(directory: directory)
        let parameters = try OrderedJSON.parse(
            #"{"type":"object","properties":{"visit":{"type":"string"},"stars":{"type":"integer"}},"required":["visit"]}"#)
        let tools: [PromptRenderer.Tool] = [("score_visit", parameters), ("drop_visit", parameters)]
        let messages: [PromptRenderer.Message] = [
            .init(role: "user", content: (1...60).map { "visit V\($0) got \($0 % 5) stars" }.joined(separator: ", ")),
            .init(role: "assistant", content: "Noted."),
            .init(role: "user", content: "Rate visit V77 with 5 stars"),
        ]
        let served = try specialist.servingPrompt(messages, tools: tools)
        #expect(served.listed?.map(\.name) == ["score_visit", "drop_visit"])
        let ids = specialist.promptIDs(served.prompt, listed: served.listed != nil)
        let whole = specialist.tokenizer.encode(served.prompt.text)
        let head = specialist.tokenizer.encode(served.prompt.head).count
        #expect(whole.count > specialist.maxPromptTokens && head > 1 && head <= specialist.maxPromptTokens / 2)
        #expect(ids.count == specialist.maxPromptTokens)
        #expect(Array(ids.prefix(head)) == Array(whole.prefix(head)))
        #expect(Array(ids.suffix(specialist.maxPromptTokens - head)) == Array(whole.suffix(specialist.maxPromptTokens - head)))
        #expect(try specialist.answer(messages, tools: tools).promptIDs == ids)
        // A request with an empty tool list is served the cluster's, as the trainer trains it.
        let empty = try specialist.servingPrompt(messages, tools: [])
        #expect(empty.listed?.map(\.name) == specialist.toolList.map(\.name) && !specialist.toolList.isEmpty)
        #expect(empty.prompt.text == (try specialist.servingPrompt(messages)).prompt.text)
    }

    /// A canonical message read from JSON renders as the trainer's prompt.py renders it: a call's
    /// `"arguments": null` as `{}` (serving rendered `null` before).
    @Test func canonicalMessagesRenderNullArgumentsAsEmpty() throws {
        let message = PromptRenderer.Message(json: try OrderedJSON.parse(
            #"{"role":"assistant","content":null,"tool_calls":[{"name":"list_files","arguments":null}]}"#))
        let prompt = try PromptRenderer.renderPrompt([.init(role: "user", content: "ls"), message])
        #expect(prompt.text.contains(#"{"name":"list_files","arguments":{}}"#), "\(prompt.text)")
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
