extension Specialist {
    /// Which of a tool's arguments an answer may write (`optional_arguments` of specialist.json,
    /// the recipe's choice): a small model that adds optional arguments the request did not ask
    /// for is wrong more often than one that leaves them to the tool's defaults.
    public enum OptionalArguments: String, Sendable {
        /// Any argument the schema lists (the default).
        case model
        /// Only the tool's `required` arguments: the constraint drops the other properties.
        case omit

        init(_ value: OrderedJSON?, path: String) throws {
            switch value {
            case nil, .null?: self = .model
            case .string(let text)?:
                guard let known = Self(rawValue: text) else {
                    throw InferenceError.invalidConfig(
                        path, field: "optional_arguments", "is '\(text)', not model or omit")
                }
                self = known
            default: throw InferenceError.invalidConfig(path, field: "optional_arguments", "is not a string")
            }
        }

        /// The tool as the constraint sees it: with `omit`, `parameters` keeps only the required
        /// properties and allows no other key.
        ///
        /// ```swift
        /// Specialist.OptionalArguments.omit.apply(("book", parameters)).parameters   // required keys only
        /// ```
        public func apply(_ tool: PromptRenderer.Tool) -> PromptRenderer.Tool {
            guard self == .omit, case .object(let members)? = tool.parameters else { return tool }
            let required = Self.requiredKeys(tool.parameters)
            var kept = members.filter { $0.key != "properties" && $0.key != "additionalProperties" }
            if case .object(let properties)? = tool.parameters?["properties"] {
                kept.append(("properties", .object(properties.filter { required.contains($0.key) })))
            }
            kept.append(("additionalProperties", .bool(false)))
            return (tool.name, .object(kept))
        }

        /// The keys a tool's `parameters` schema lists in `required` (none for a missing schema).
        public static func requiredKeys(_ parameters: OrderedJSON?) -> Set<String> {
            guard case .array(let names)? = parameters?["required"] else { return [] }
            var required: Set<String> = []
            for case .string(let name) in names { required.insert(name) }
            return required
        }
    }
}
