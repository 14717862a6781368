import UnderstudyArchive

/// One turn of the varying conversation (docs/formats.md): user text, an assistant answer
/// (text and/or tool calls), or a tool result tied to its call by `toolCallID`.
public struct CanonicalMessage: Sendable, Equatable {
    public enum Role: String, Sendable, Equatable {
        case user, assistant, tool
    }

    public var role: Role
    public var content: String?
    /// Assistant tool calls; empty for other roles.
    public var toolCalls: [ToolCall]
    /// For `tool` messages: the id of the call answered (Gemini: the function name).
    public var toolCallID: String?

    public init(role: Role, content: String?, toolCalls: [ToolCall] = [], toolCallID: String? = nil) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }

    public init?(json: JSONValue) {
        guard let role = json["role"]?.stringValue.flatMap(Role.init(rawValue:)) else { return nil }
        self.init(
            role: role, content: json["content"]?.stringValue,
            toolCalls: (json["tool_calls"]?.arrayValue ?? []).compactMap(ToolCall.init(json:)),
            toolCallID: json["tool_call_id"]?.stringValue)
    }

    /// `{"role", "content", "tool_calls"?, "tool_call_id"?}`; optional members only when set.
    public var json: JSONValue {
        var members = [
            JSONMember("role", .string(role.rawValue)), JSONMember("content", content.map(JSONValue.string) ?? .null),
        ]
        if !toolCalls.isEmpty { members.append(JSONMember("tool_calls", .array(toolCalls.map(\.json)))) }
        if let toolCallID { members.append(JSONMember("tool_call_id", .string(toolCallID))) }
        return .object(members)
    }
}
