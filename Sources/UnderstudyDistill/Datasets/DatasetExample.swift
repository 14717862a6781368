import UnderstudyArchive

/// One training example of a cluster, in the canonical form of docs/formats.md.
public struct DatasetExample: Sendable {
    /// The representative exchange id.
    public var id: String
    public var conversation: String
    /// Recorded calls it stands for (after deduplication).
    public var weight: Int
    /// The varying part: canonical messages after the constant prefix.
    public var messages: [JSONValue]
    /// `{"content": …, "tool_calls": [...]}`.
    public var target: JSONValue
    /// The system prompt and tools this call was made with (the cluster's prefix, usually).
    public var system: String?
    public var tools: [JSONValue]
    /// Masked constant-prefix hash of the call (UnderstudyWire).
    public var prefixHash: String

    public init(
        id: String, conversation: String, weight: Int, messages: [JSONValue], target: JSONValue, system: String?,
        tools: [JSONValue], prefixHash: String
    ) {
        self.prefixHash = prefixHash
        self.id = id
        self.conversation = conversation
        self.weight = weight
        self.messages = messages
        self.target = target
        self.system = system
        self.tools = tools
    }

    /// The trainer's line (docs/formats.md "Trainer dataset"). `tools` is written only when it
    /// differs from the cluster's constant tools.
    func trainerLine(clusterTools: [JSONValue]) -> JSONValue {
        var line: JSONValue = [
            "format": 1, "id": .string(id), "conversation": .string(conversation), "weight": .int(weight),
            "messages": .array(messages), "target": target,
        ]
        if tools != clusterTools { line.set("tools", .array(tools)) }
        return line
    }

    /// An OpenAI fine-tune line: system, the conversation, the recorded answer, and the tools.
    func openAILine() -> JSONValue {
        var out: [JSONValue] = []
        if let system { out.append(["role": "system", "content": .string(system)]) }
        var callNumber = 0
        var pendingIds: [String] = []
        func callsJSON(_ calls: [JSONValue]) -> JSONValue {
            .array(calls.map { call in
                callNumber += 1
                let id = "call_\(callNumber)"
                pendingIds.append(id)
                let arguments = call["arguments"] ?? .object([])
                return [
                    "id": .string(id), "type": "function",
                    "function": ["name": call["name"] ?? "", "arguments": .string(arguments.serialized())],
                ]
            })
        }
        for message in messages {
            let role = message["role"]?.stringValue ?? "user"
            var m: JSONValue = ["role": .string(role), "content": message["content"] ?? .null]
            if let calls = message["tool_calls"]?.arrayValue, !calls.isEmpty { m.set("tool_calls", callsJSON(calls)) }
            if role == "tool" {
                let id = message["tool_call_id"]?.stringValue ?? (pendingIds.isEmpty ? "call_0" : pendingIds.removeFirst())
                m.set("tool_call_id", .string(id))
            }
            out.append(m)
        }
        var answer: JSONValue = ["role": "assistant", "content": target["content"] ?? .null]
        if let calls = target["tool_calls"]?.arrayValue, !calls.isEmpty { answer.set("tool_calls", callsJSON(calls)) }
        out.append(answer)
        var line: JSONValue = ["messages": .array(out)]
        if !tools.isEmpty {
            line.set("tools", .array(tools.map { ["type": "function", "function": $0] }))
        }
        return line
    }
}
