import Foundation

/// Prompt feature `chosen_calls` (distill/trainer/chosen_calls.py, PROMPT_FORMAT.md "Prompt
/// features"): a tool without arguments that `tool_choice` chose is called. The chosen tools only
/// restrict decoding, and a small model leaves one out (BFCL vehicle: "check the tire pressure …
/// point me towards the nearest tire shop" answered with `check_tire_pressure` alone); a tool that
/// takes no arguments has no value to get wrong. After every answer fill (`Specialist.filled`, last),
/// an answer with calls gets each listed tool (in file order: the trainer lists a tool after the
/// listed tools it follows) that was chosen and that it does not call, with `{}` arguments, right
/// after its last call to a tool of the rule's `after` list; first when it calls none of them, so an
/// empty `after` puts the call ahead of everything, a login `named_calls` added included. Nothing
/// is added to the prompt.
///
/// ```swift
/// let chosen = ChosenCalls(rules: [.init(tool: "find_nearest_tire_shop", after: ["check_tire_pressure"])])
/// let filled = chosen.fill(response, chosen: ["check_tire_pressure", "find_nearest_tire_shop"])
/// ```
public struct ChosenCalls: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "chosen_calls"

    /// One listed tool and the tools whose calls it follows.
    public struct Rule: Sendable, Equatable {
        public let tool: String
        public let after: Set<String>

        public init(tool: String, after: Set<String>) {
            self.tool = tool
            self.after = after
        }
    }

    /// The listed tools, in file order (specialist.json `chosen_calls.tools`).
    public let rules: [Rule]

    public init(rules: [Rule]) {
        self.rules = rules
    }

    /// Reads `chosen_calls` of specialist.json (`{"tools": [{"tool", "after"}, ...], "counts": {...}}`).
    init(_ value: OrderedJSON?, path: String) throws {
        rules = try PromptFeatureList.items(value, list: "tools", feature: Self.feature, path: path).map { item in
            guard case .string(let tool)? = item["tool"], case .array(let after)? = item["after"] else {
                throw InferenceError.invalidConfig(
                    path, field: "chosen_calls.tools", "holds \(item.jsonText), not {\"tool\", \"after\"}")
            }
            let names = try after.map { name -> String in
                guard case .string(let text) = name else {
                    throw InferenceError.invalidConfig(
                        path, field: "chosen_calls.tools", "holds \(name.jsonText) in `after`, not a tool name")
                }
                return text
            }
            return Rule(tool: tool, after: Set(names))
        }
    }

    /// The response with each listed tool that `chosen` holds and the answer leaves out inserted
    /// after the answer's last call to a tool of its `after` list; as it is without calls or
    /// without chosen tools (nil: `tool_choice` restricted nothing).
    public func fill(_ response: AnswerRestorer.Response, chosen: [String]?) -> AnswerRestorer.Response {
        guard let chosen, !chosen.isEmpty, !response.toolCalls.isEmpty else { return response }
        var calls = response.toolCalls
        for rule in rules where chosen.contains(rule.tool) && !calls.contains(where: { $0.name == rule.tool }) {
            let at = (calls.lastIndex { rule.after.contains($0.name) }).map { $0 + 1 } ?? 0
            calls.insert(.init(name: rule.tool, arguments: .object([])), at: at)
        }
        var filled = response
        filled.toolCalls = calls
        return filled
    }
}
