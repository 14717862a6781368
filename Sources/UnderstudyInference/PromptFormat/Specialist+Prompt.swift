import Foundation

/// The prompt a specialist decodes for a request, as serving renders it: `answer` starts from it,
/// and tools/bench/specialist (`inference-bench prompts`) writes its ids, so the bench decodes the
/// prompts replay and serve decode (the listed prompt features included) rather than a rendering
/// of its own. One exception: with prompt feature `clause_calls` and request tools, `answer`
/// decodes a question of 2+ clauses as one `ClauseCalls` prompt per clause (its `promptIDs` is
/// then [], unless no clause wrote a call and it falls back to this prompt), while the bench
/// times this whole-request prompt.
extension Specialist {
    /// A request's rendered prompt with the specialist's prompt features applied.
    public struct ServingPrompt: Sendable {
        /// The prompt text and slot table, after `recent_slots` and `retrieval_hint`.
        public var prompt: PromptRenderer.Prompt
        /// The tools the prompt lists (request tools), nil when it lists none.
        public var listed: [PromptRenderer.Tool]?
        /// Prompt feature `retrieval_hint`: the question's embedding (empty without the feature),
        /// which `tool_choice` reads again.
        public var query: [Float]
        /// Prompt feature `retrieval_hint`: the nearest training answer's call heads ("" when the
        /// index has none), nil without the feature.
        public var nearestHint: String?
    }

    /// Renders a request as `answer` does: the prompt format with the tools it lists (the
    /// request's own with `request_tools`, the cluster's when it brings none or an empty list,
    /// else none), `question_spans` / `tag_slots` in the
    /// rendering, then `recent_slots`' renumbering, then `retrieval_hint`'s neighbours (the
    /// trainer's order, distill/trainer/features.py `featured`).
    public func servingPrompt(
        _ messages: [PromptRenderer.Message], tools requestTools: [PromptRenderer.Tool]? = nil
    ) throws -> ServingPrompt {
        // An empty request tool list is no list, as the trainer's dataset.py `example.tools or self.tools`.
        let own = requestTools?.isEmpty == false ? requestTools : nil
        let listed = self.requestTools ? (own ?? toolList) : nil
        var prompt = try PromptRenderer.renderPrompt(
            messages, tools: listed, questionSpans: promptFeatures.contains(QuestionSpans.feature),
            tagSlots: promptFeatures.contains(Self.tagSlotsFeature))
        if promptFeatures.contains(SlotRecency.feature) { prompt = SlotRecency.renumbered(prompt) }
        var served = ServingPrompt(prompt: prompt, listed: listed, query: [], nearestHint: nil)
        if let retrieval {
            served.query = try retrieval.queryEmbedding(for: messages)
            let hints = retrieval.neighbourHints(of: served.query)
            served.prompt = retrieval.hinted(prompt, neighbourHints: hints)
            served.nearestHint = hints.first ?? ""
        }
        return served
    }

    /// The token ids the model reads for a rendered prompt: a prompt over `max_prompt_tokens`
    /// keeps its head (`<|bos|>`, and the tool list when `listed` and it fits in half the budget)
    /// and its last ids, as the trainer truncates (features.py `truncate_prompt`).
    public func promptIDs(_ prompt: PromptRenderer.Prompt, listed: Bool) -> [Int32] {
        let ids = tokenizer.encode(prompt.text)
        guard ids.count > maxPromptTokens else { return ids }
        var head = listed ? tokenizer.encode(prompt.head).count : 1
        if head > maxPromptTokens / 2 { head = 1 }
        return Array(ids.prefix(head)) + ids.suffix(maxPromptTokens - head)
    }
}
