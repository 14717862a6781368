import UnderstudyArchive

/// The provider-neutral answer of docs/formats.md: optional text plus tool calls.
/// It is what specialists produce, what the mock-upstream scripts hold, and what the
/// renderers turn back into each API's wire format.
///
/// ```swift
/// let answer = CanonicalResponse(json: try JSONValue(parsing:
///     #"{"content":null,"tool_calls":[{"name":"get_weather","arguments":{"city":"Paris"}}]}"#))
/// answer?.toolCalls.first?.name   // "get_weather"
/// ```
public struct CanonicalResponse: Sendable, Equatable {
    public var content: String?
    public var toolCalls: [ToolCall]

    public init(content: String? = nil, toolCalls: [ToolCall] = []) {
        self.content = content
        self.toolCalls = toolCalls
    }

    /// Reads `{"content": string|null, "tool_calls": [ToolCall]}`; `nil` when `json` is not an
    /// object. Missing members mean no text and no calls; malformed calls are skipped.
    public init?(json: JSONValue) {
        guard case .object = json else { return nil }
        content = json["content"]?.stringValue
        toolCalls = (json["tool_calls"]?.arrayValue ?? []).compactMap(ToolCall.init(json:))
    }

    /// `{"content": …, "tool_calls": […]}`, members in that order.
    public var json: JSONValue {
        .object([
            JSONMember("content", content.map(JSONValue.string) ?? .null),
            JSONMember("tool_calls", .array(toolCalls.map(\.json))),
        ])
    }
}

/// One function call: its name and its arguments as a JSON object (parsed, never a string).
public struct ToolCall: Sendable, Equatable {
    public var name: String
    public var arguments: JSONValue

    public init(name: String, arguments: JSONValue = .object([])) {
        self.name = name
        self.arguments = arguments
    }

    /// Reads `{"name": …, "arguments": {…}}`. Arguments given as a JSON string (OpenAI style)
    /// are parsed; unparseable strings are kept as strings so nothing is lost.
    public init?(json: JSONValue) {
        guard let name = json["name"]?.stringValue else { return nil }
        self.name = name
        self.arguments = ToolCall.parseArguments(json["arguments"] ?? .object([]))
    }

    public var json: JSONValue { .object([JSONMember("name", .string(name)), JSONMember("arguments", arguments)]) }

    /// The arguments as the compact JSON text OpenAI puts in `function.arguments`.
    public var argumentsText: String {
        if case .string(let text) = arguments { return text }
        return arguments.serialized()
    }

    /// OpenAI sends arguments as a JSON string; parse it when it holds JSON. Empty means `{}`.
    static func parseArguments(_ value: JSONValue) -> JSONValue {
        guard case .string(let text) = value else { return value }
        if text.allSatisfy(\.isWhitespace) { return .object([]) }
        return (try? JSONValue(parsing: text)) ?? value
    }
}
