import Foundation

/// Prompt feature `tool_choice` (distill/trainer/tool_choice.py, PROMPT_FORMAT.md "Prompt
/// features"): one logistic regression per cluster tool, fitted on the training answers, chooses
/// the tools an answer may call from the request's last user message (its all-MiniLM-L6-v2
/// embedding, the one `retrieval_hint` computes) and the tools the conversation called before.
/// It replaces `hint_tools`' nearest-hint tools (and `clause_hint_tools`' picks) where the hint
/// restricts: one neighbour often reads like the request but asks for another tool, a classifier
/// over all training answers less often. Nothing is added to the prompt.
///
/// ```swift
/// let choice = try ToolChoice(directory: specialistURL)
/// choice.chosen(query: embedding, messages: messages)  // ["get_order_details"]
/// ```
public struct ToolChoice: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "tool_choice"

    /// The cluster's tool names, one regression each.
    public let tools: [String]
    /// Per tool: bias, then weights over the embedding and one per tool (called before or not).
    let bias: [Double]
    let weights: [[Double]]
    /// The feature value of a tool the conversation called before (0 otherwise).
    let calledValue: Double

    public init(tools: [String], bias: [Double], weights: [[Double]], calledValue: Double) {
        self.tools = tools
        self.bias = bias
        self.weights = weights
        self.calledValue = calledValue
    }

    /// Reads `tool_choice.json` of a specialist directory.
    public init(directory: URL) throws {
        let url = directory.appendingPathComponent("tool_choice.json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw InferenceError.fileUnreadable(url.path, "no such file (prompt feature tool_choice needs it)")
        }
        let json: OrderedJSON
        do {
            json = try OrderedJSON.parse(String(decoding: data, as: UTF8.self))
        } catch {
            throw InferenceError.invalidConfig(url.path, field: "(file)", "is not JSON: \(error)")
        }
        func numbers(_ value: OrderedJSON?, _ field: String) throws -> [Double] {
            guard case .array(let items)? = value else {
                throw InferenceError.invalidConfig(url.path, field: field, "is missing or not a list of numbers")
            }
            return try items.map { item in
                guard case .number(let text) = item, let number = Double(text) else {
                    throw InferenceError.invalidConfig(url.path, field: field, "holds \(item.jsonText), not a number")
                }
                return number
            }
        }
        guard case .array(let names)? = json["tools"] else {
            throw InferenceError.invalidConfig(url.path, field: "tools", "is missing or not a list")
        }
        let tools = names.compactMap { if case .string(let name) = $0 { return name } else { return nil } }
        guard tools.count == names.count else {
            throw InferenceError.invalidConfig(url.path, field: "tools", "holds an entry that is not a tool name")
        }
        guard case .array(let rows)? = json["weights"] else {
            throw InferenceError.invalidConfig(url.path, field: "weights", "is missing or not a list of rows")
        }
        let weights = try rows.map { try numbers($0, "weights") }
        let bias = try numbers(json["bias"], "bias")
        guard case .number(let text)? = json["called_value"], let calledValue = Double(text) else {
            throw InferenceError.invalidConfig(url.path, field: "called_value", "is missing or not a number")
        }
        guard bias.count == tools.count, weights.count == tools.count,
            Set(weights.map(\.count)).count <= 1
        else {
            throw InferenceError.invalidConfig(
                url.path, field: "weights", "does not hold one bias and one equal-length row per tool")
        }
        self.init(tools: tools, bias: bias, weights: weights, calledValue: calledValue)
    }

    /// Whether every weight row holds `dimension` embedding weights and one per tool.
    public func fits(dimension: Int) -> Bool {
        weights.allSatisfy { $0.count == dimension + tools.count }
    }

    /// The tool names the conversation's assistant turns called before the request.
    public static func calledTools(_ messages: [PromptRenderer.Message]) -> Set<String> {
        Set(messages.filter { $0.role == "assistant" }.flatMap { $0.toolCalls.map(\.name) })
    }

    /// Each tool's score (bias + weights · features, double precision, summed in feature order).
    public func scores(query: [Float], messages: [PromptRenderer.Message]) -> [Double] {
        let called = Self.calledTools(messages)
        let features = query.map(Double.init) + tools.map { called.contains($0) ? calledValue : 0 }
        return tools.indices.map { t in
            var sum = bias[t]
            for (w, x) in zip(weights[t], features) { sum += w * x }
            return sum
        }
    }

    /// The tools (in tool order) an answer may call: those scoring >= 0, or the single best one
    /// (ties: the first) when none does.
    public func chosen(query: [Float], messages: [PromptRenderer.Message]) -> [String] {
        let scores = scores(query: query, messages: messages)
        let picked = tools.indices.filter { scores[$0] >= 0 }.map { tools[$0] }
        guard picked.isEmpty,
            let best = scores.indices.max(by: { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 > $1) })
        else { return picked }
        return [tools[best]]
    }
}
