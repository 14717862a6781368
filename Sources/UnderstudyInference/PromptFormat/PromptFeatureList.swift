import Foundation

/// Reads the lists of the answer fills' specialist.json entries (`remembered_keys.keys`,
/// `single_calls.tools`, `cue_values.arguments`, `tag_lists.arguments`, `named_values.arguments`,
/// `copied_items.arguments`, `previous_files.arguments`), so each feature refuses a missing list or a wrong item with the same
/// error, naming the feature and the file.
enum PromptFeatureList {
    /// The items of list `list` of a feature's specialist.json entry (`value`), refusing a missing
    /// list, naming the feature (`remembered_keys`, `single_calls`, `cue_values`, `tag_lists`).
    static func items(_ value: OrderedJSON?, list: String, feature: String, path: String) throws -> [OrderedJSON] {
        guard case .array(let items)? = value?[list] else {
            throw InferenceError.invalidConfig(
                path, field: feature, "has no list '\(list)' (prompt_features lists \(feature))")
        }
        return items
    }

    /// The strings of list `list` of a feature's specialist.json entry (`value`), refusing a missing
    /// list or an item that is not a string, naming the field (`remembered_keys`, `single_calls`).
    static func strings(_ value: OrderedJSON?, list: String, feature: String, path: String) throws -> Set<String> {
        Set(
            try items(value, list: list, feature: feature, path: path).map { item in
                guard case .string(let text) = item else {
                    throw InferenceError.invalidConfig(path, field: "\(feature).\(list)", "holds \(item.jsonText), not a string")
                }
                return text
            })
    }

    /// The (tool, key) items of list `arguments` of a feature's specialist.json entry (`named_values`,
    /// `copied_items`, `previous_files`), in file order, refusing an item without both strings, naming the field.
    static func toolKeys(_ value: OrderedJSON?, feature: String, path: String) throws -> [NamedValues.Rule] {
        try items(value, list: "arguments", feature: feature, path: path).map { item in
            guard case .string(let tool)? = item["tool"], case .string(let key)? = item["key"] else {
                throw InferenceError.invalidConfig(
                    path, field: "\(feature).arguments", "holds \(item.jsonText), not {\"tool\", \"key\"}")
            }
            return NamedValues.Rule(tool: tool, key: key)
        }
    }
}
