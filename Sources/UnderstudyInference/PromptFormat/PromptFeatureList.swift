import Foundation

/// Reads the lists of the answer fills' specialist.json entries (`remembered_keys.keys`,
/// `single_calls.tools`, `cue_values.arguments`, `tag_lists.arguments`), so each feature refuses a
/// missing list or a wrong item with the same error, naming the feature and the file.
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
}
