/// The structural key of a call: which API and model, which agent (masked constant-prefix hash)
/// and which tools it offered. Calls with different signatures are never the same task;
/// calls with the same signature may still be several tasks (split by content).
public struct TaskSignature: Sendable, Hashable, Codable {
    public var api: String
    public var model: String
    /// Hash of the masked system prompt (the agent), without tools.
    public var systemHash: String
    /// Sorted names of the tools offered.
    public var toolNames: [String]

    public init(api: String, model: String, systemHash: String, toolNames: [String]) {
        self.api = api
        self.model = model
        self.systemHash = systemHash
        self.toolNames = toolNames.sorted()
    }

    /// The agent a call belongs to: same API and system prompt, whatever the model and tools.
    public var agentKey: String { "\(api)|\(systemHash)" }

    /// How many tools the call offered: none, one, several.
    public var offered: CallShape.Offered { CallShape.Offered(toolCount: toolNames.count) }
}

/// One deduplicated call offered to clustering.
public struct ClusterCandidate: Sendable {
    public var id: String
    public var signature: TaskSignature
    /// The varying part as text, what the embedding sees.
    public var text: String
    /// Recorded calls this representative stands for.
    public var count: Int
    /// Recorded cost of those calls, in the price table's currency.
    public var cost: Double
    /// The conversation the call belongs to (its own id when not known).
    public var conversation: String
    /// What kind of answer was recorded.
    public var answer: CallShape.Answer

    public init(
        id: String, signature: TaskSignature, text: String, count: Int = 1, cost: Double = 0,
        conversation: String? = nil, answer: CallShape.Answer = .text
    ) {
        self.id = id
        self.signature = signature
        self.text = text
        self.count = count
        self.cost = cost
        self.conversation = conversation ?? id
        self.answer = answer
    }

    /// The call's structure apart from its topic.
    public var shape: CallShape { CallShape(offered: signature.offered, answer: answer) }

    /// What the embedder sees: the tool names, then the text, capped so one long history does
    /// not dominate the cost of embedding.
    public var embeddingText: String {
        let tools = signature.toolNames.isEmpty ? "" : "tools: " + signature.toolNames.joined(separator: " ") + "\n"
        return tools + String(text.suffix(1500))
    }
}
