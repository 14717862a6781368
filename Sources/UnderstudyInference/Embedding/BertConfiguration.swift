import Foundation

/// The fields of a BERT `config.json` that the encoder needs.
public struct BertConfiguration: Sendable, Equatable {
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var layers: Int
    public var heads: Int
    public var intermediateSize: Int
    public var maxPositions: Int
    public var typeVocabularySize: Int
    public var layerNormEpsilon: Float

    /// Reads `config.json`; errors name the file and the missing field.
    public init(url: URL) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw InferenceError.fileUnreadable(url.path, "no such file")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw InferenceError.malformedFile(url.path, "not a JSON object")
        }
        if let type = object["model_type"] as? String, type != "bert" {
            throw InferenceError.unsupportedModel(url.path, "model_type '\(type)' (expected bert)")
        }
        if let activation = object["hidden_act"] as? String, activation != "gelu" {
            throw InferenceError.unsupportedModel(url.path, "hidden_act '\(activation)' (expected gelu)")
        }
        func int(_ key: String) throws -> Int {
            guard let value = object[key] as? Int else {
                throw InferenceError.invalidConfig(url.path, field: key, "is missing or not an integer")
            }
            return value
        }
        vocabularySize = try int("vocab_size")
        hiddenSize = try int("hidden_size")
        layers = try int("num_hidden_layers")
        heads = try int("num_attention_heads")
        intermediateSize = try int("intermediate_size")
        maxPositions = try int("max_position_embeddings")
        typeVocabularySize = object["type_vocab_size"] as? Int ?? 2
        layerNormEpsilon = Float(object["layer_norm_eps"] as? Double ?? 1e-12)
        guard hiddenSize % heads == 0 else {
            throw InferenceError.invalidConfig(url.path, field: "num_attention_heads", "does not divide hidden_size")
        }
    }
}
