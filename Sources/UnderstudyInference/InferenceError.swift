/// An error from loading or running a model: says what failed and where (file, tensor, field).
///
/// ```swift
/// do { _ = try MiniLMEmbedder(modelDirectory: url) }
/// catch let error as InferenceError { print(error.description) }  // names the file and tensor
/// ```
public struct InferenceError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: String, Sendable {
        case fileUnreadable, malformedFile, missingTensor, shapeMismatch, unsupportedDType, unsupportedModel
        case invalidConfig, tokenizer, invalidInput, constraint
    }

    private let code: Code
    /// A message safe for logs: what failed, where, and what to do.
    public let description: String

    /// A short stable label for metrics (`missing_tensor`, …).
    public var label: String { code.rawValue }

    private init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    static func fileUnreadable(_ path: String, _ reason: String) -> Self {
        .init(.fileUnreadable, "cannot read \(path): \(reason)")
    }
    static func malformedFile(_ path: String, _ reason: String) -> Self {
        .init(.malformedFile, "\(path) is malformed: \(reason)")
    }
    static func missingTensor(_ name: String, file: String) -> Self {
        .init(.missingTensor, "tensor '\(name)' is missing from \(file)")
    }
    static func shapeMismatch(_ name: String, file: String, expected: [Int], found: [Int]) -> Self {
        .init(.shapeMismatch, "tensor '\(name)' in \(file) has shape \(found), expected \(expected)")
    }
    static func unsupportedDType(_ dtype: String, tensor: String, file: String) -> Self {
        .init(.unsupportedDType, "tensor '\(tensor)' in \(file) has dtype \(dtype); supported: F32, F16, BF16")
    }
    static func unsupportedModel(_ path: String, _ reason: String) -> Self {
        .init(.unsupportedModel, "unsupported model in \(path): \(reason)")
    }
    static func invalidConfig(_ path: String, field: String, _ reason: String) -> Self {
        .init(.invalidConfig, "\(path): field '\(field)' \(reason)")
    }
    static func tokenizer(_ path: String, _ reason: String) -> Self {
        .init(.tokenizer, "cannot use tokenizer \(path): \(reason)")
    }
    static func invalidInput(_ reason: String) -> Self {
        .init(.invalidInput, reason)
    }
    static func constraint(_ reason: String) -> Self {
        .init(.constraint, "constrained decoding failed: \(reason)")
    }
}
