import UnderstudyArchive

/// A tool the agent offers the model: `{"name", "description", "parameters"}` (docs/formats.md),
/// read from OpenAI `tools[].function`, Responses `tools[]`, Anthropic `tools[]` (`input_schema`)
/// and Gemini `functionDeclarations`.
public struct ToolSpec: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// A JSON Schema object (`{}` when the API gave none).
    public var parameters: JSONValue

    public init(name: String, description: String? = nil, parameters: JSONValue = .object([])) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }

    public init?(json: JSONValue) {
        guard let name = json["name"]?.stringValue else { return nil }
        self.init(
            name: name, description: json["description"]?.stringValue, parameters: json["parameters"] ?? .object([]))
    }

    public var json: JSONValue {
        .object([
            JSONMember("name", .string(name)),
            JSONMember("description", description.map(JSONValue.string) ?? .null),
            JSONMember("parameters", parameters),
        ])
    }
}
