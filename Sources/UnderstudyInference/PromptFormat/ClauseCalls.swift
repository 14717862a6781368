/// Prompt feature `clause_calls` (distill/trainer/clause_calls.py, PROMPT_FORMAT.md "Prompt
/// features"): a question of several clauses (`ClauseTools.clauses`) is answered one clause at a
/// time and the clauses' calls are the answer. Parallel requests want one call per thing asked,
/// and a scratch specialist writes one call for the whole question; per clause it writes the
/// short answers it gets right more often.
///
/// ```swift
/// let prompt = try PromptRenderer.renderPrompt(messages, tools: tools)
/// let parts = ClauseCalls.prompts(prompt, question: "Weather in Paris? Also book 'Luigi' for 4.")
/// parts[1].text   // "…<|user|>Weather in <S2>? Also book <S0> for <S1>.<|clause|>Also book <S0> for <S1>.<|answer|>"
/// ```
public enum ClauseCalls {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "clause_calls"
    /// The token that opens the clause written before `<|answer|>`.
    public static let marker = "<|clause|>"

    /// One prompt per clause of the question: the request's prompt with `<|clause|>` and the
    /// clause's text (escaped, slotted with a copy of the prompt's table, so a value the question
    /// has keeps its slot) before the final `<|answer|>`, slots renumbered clause first
    /// (`clauseFirst`); empty for fewer than 2 clauses.
    public static func prompts(_ prompt: PromptRenderer.Prompt, question: String) -> [PromptRenderer.Prompt] {
        let parts = ClauseTools.clauses(question)
        let answer = "<|answer|>"
        guard parts.count >= 2, prompt.text.hasSuffix(answer) else { return [] }
        let base = String(prompt.text.dropLast(answer.count))
        return parts.map { part in
            var clause = prompt
            let text = SlotScanner.slotText(PromptRenderer.escape(part), &clause.slots)
            clause.text = base + marker + text + answer
            return clauseFirst(clause, clause: text)
        }
    }

    /// The prompt with its slots renumbered: the clause's values first (by first appearance in the
    /// clause), then the others in their order. A tiny model writes `<S0>`, `<S1>`, … for most
    /// answers; numbered so, those are the clause's values.
    static func clauseFirst(_ prompt: PromptRenderer.Prompt, clause: String) -> PromptRenderer.Prompt {
        var first: [Int] = []
        for token in SlotRecency.slotTokens(clause) where !first.contains(token.number) { first.append(token.number) }
        return SlotRecency.renumbered(
            prompt, order: first + (0..<prompt.slots.slots.count).filter { !first.contains($0) })
    }

    /// The answer of a question answered per clause: the clauses' calls in clause order, their texts
    /// joined by newlines, the lowest minimum and the token-weighted mean log-probability; nil when
    /// no clause's answer has a call (the request's own prompt is answered then).
    static func merged(_ answers: [Specialist.Answer]) -> Specialist.Answer? {
        let calls = answers.flatMap { $0.response?.toolCalls ?? [] }
        guard !calls.isEmpty else { return nil }
        let tokens = answers.reduce(0) { $0 + $1.tokens }
        let weighted = answers.reduce(Float(0)) { $0 + $1.meanLogProbability * Float($1.tokens) }
        return Specialist.Answer(
            response: .init(content: nil, toolCalls: calls), failure: nil,
            text: answers.map(\.text).joined(separator: "\n"),
            minLogProbability: answers.map(\.minLogProbability).min() ?? 0,
            meanLogProbability: tokens > 0 ? weighted / Float(tokens) : 0, tokens: tokens,
            finishReason: answers.first { $0.finishReason != .stop }?.finishReason ?? .stop)
    }
}
