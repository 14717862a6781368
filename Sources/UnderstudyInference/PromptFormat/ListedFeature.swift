/// A prompt feature whose specialist.json entry sits under the feature's own name
/// (`"named_values": {"arguments": [...], "counts": {...}}`) and is read only when
/// `prompt_features` lists it. `Specialist` loads every answer fill through `load`.
protocol ListedFeature {
    /// The feature's name in `prompt_features`, and the key of its entry.
    static var feature: String { get }
    /// Reads the entry; `path` names specialist.json in errors.
    init(_ value: OrderedJSON?, path: String) throws
}

extension ListedFeature {
    /// The feature read from `spec` when `features` lists it, nil otherwise.
    static func load(from spec: OrderedJSON, listed features: [String], path: String) throws -> Self? {
        features.contains(feature) ? try Self(spec[feature], path: path) : nil
    }
}

/// A listed feature whose entry is a list of `{"tool", "key"}` arguments (`named_values`,
/// `named_optional`, `previous_files`, `longest_spans`): the reader is shared.
protocol ToolKeyFeature: ListedFeature {
    init(rules: [NamedValues.Rule])
}

extension ToolKeyFeature {
    /// Reads `{"arguments": [{"tool", "key"}, ...], "counts": {...}}`.
    init(_ value: OrderedJSON?, path: String) throws {
        self.init(rules: try PromptFeatureList.toolKeys(value, feature: Self.feature, path: path))
    }
}

extension RememberedKeys: ListedFeature {}
extension SingleCalls: ListedFeature {}
extension CueValues: ListedFeature {}
extension ShapedValues: ListedFeature {}
extension OrdinalItems: ListedFeature {}
extension UnitNumbers: ListedFeature {}
extension TagLists: ListedFeature {}
extension QuotedPairs: ListedFeature {}
extension NamedCalls: ListedFeature {}
extension CopiedItems: ListedFeature {}
extension SiblingCalls: ListedFeature {}
extension ChosenCalls: ListedFeature {}
extension NamedValues: ToolKeyFeature {}
extension NamedOptional: ToolKeyFeature {}
extension PreviousFiles: ToolKeyFeature {}
extension LongestSpans: ToolKeyFeature {}
