/// Prompt feature `hint_tools` (distill/trainer/hint_tools.py, PROMPT_FORMAT.md "Prompt
/// features"): with `retrieval_hint`, an answer's calls are restricted to the tools the nearest
/// neighbour's hint calls; a scratch specialist alone picks the wrong tool for most of its misses
/// on the BFCL multi-turn suites, the nearest training answer less often. Nothing is added to the
/// prompt: only the constraint changes.
///
/// ```swift
/// HintTools.nearestTools(#"{"name":"cancel_booking","arguments":"#, among: specialist.toolList)
/// // [("cancel_booking", …)]: every call of the answer names cancel_booking
/// ```
public enum HintTools {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "hint_tools"

    /// The companion feature `clause_hint_tools` (distill/trainer/hint_tools.py): the tools the
    /// question's clauses pick among the cluster's (`ClauseTools`, by name and description) are
    /// allowed beside the nearest hint's, because the nearest training request often asks for
    /// another tool than a held-out one that reads alike ("scrap that order" after an order query).
    public static let clauseFeature = "clause_hint_tools"

    /// The call head the trainer writes for a tool (`prompt.call_head`): `{"name":"NAME","arguments":`.
    public static func callHead(_ name: String) -> String {
        "{\"name\":\"" + String(decoding: JSONSchemaGraph.escapedInner(PromptRenderer.escape(name)), as: UTF8.self)
            + "\",\"arguments\":"
    }

    /// The tools (in `tools` order) whose call head occurs in `hint`, the nearest neighbour's hint
    /// text; empty (nothing restricted) when the neighbour answered in text.
    public static func nearestTools(_ hint: String, among tools: [PromptRenderer.Tool]) -> [PromptRenderer.Tool] {
        tools.filter { hint.contains(callHead($0.name)) }
    }

    /// `clause_hint_tools`: the tools of `tools` (in that order) that are among `nearest` or named
    /// in `picked`; `nearest` itself when it is empty (the hint restricts nothing, neither do the clauses).
    public static func joined(
        _ nearest: [PromptRenderer.Tool], picked: [String], among tools: [PromptRenderer.Tool]
    ) -> [PromptRenderer.Tool] {
        guard !nearest.isEmpty else { return nearest }
        let names = Set(nearest.map(\.name)).union(picked)
        return tools.filter { names.contains($0.name) }
    }
}
