import Foundation

/// Prompt feature `single_calls` (distill/trainer/single_calls.py, PROMPT_FORMAT.md "Prompt
/// features"): the tools no training answer calls twice. A small model repeats such a call with
/// other values (a second `estimate_drive_feasibility_by_mileage` with a memorised distance), which
/// `distinct_calls` (identical repeats only) keeps; after restoring, the second and later calls to
/// each listed tool are dropped, before the answer fills.
public struct SingleCalls: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "single_calls"

    /// The listed tools (specialist.json `single_calls.tools`).
    public let tools: Set<String>

    public init(tools: Set<String>) {
        self.tools = tools
    }

    /// Reads `single_calls` of specialist.json (`{"tools": [...]}`).
    init(_ value: OrderedJSON?, path: String) throws {
        tools = try PromptFeatureList.strings(value, list: "tools", feature: Self.feature, path: path)
    }

    /// The response without the second and later calls to each listed tool (the others keep their order).
    public func cut(_ response: AnswerRestorer.Response) -> AnswerRestorer.Response {
        var seen: Set<String> = []
        var cut = response
        cut.toolCalls = response.toolCalls.filter { call in
            defer { seen.insert(call.name) }
            return !(tools.contains(call.name) && seen.contains(call.name))
        }
        return cut
    }
}
