import Foundation

/// The fields of a `LlamaForCausalLM` / `Qwen2ForCausalLM` `config.json` the decoder needs.
/// Reads both transformers 5 (`rope_parameters`) and older (`rope_theta`, `rope_scaling`) keys.
public struct LlamaConfiguration: Sendable, Equatable {
    public var architecture: String
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layers: Int
    public var heads: Int
    public var keyValueHeads: Int
    public var headDimension: Int
    public var rmsNormEpsilon: Float
    public var ropeTheta: Double
    /// `rope_scaling` factor for `linear`; 1 for none.
    public var ropeLinearFactor: Double
    public var tiedEmbeddings: Bool
    /// Q, K and V projections carry a bias (Qwen2, or Llama with `attention_bias`).
    public var attentionBias: Bool
    public var maxPositions: Int
    public var eosTokenIDs: [Int32]
    public var bosTokenID: Int32?
    /// Model option `pointer_head` (config.json `understudy_pointer_head`), nil when off.
    public var pointerHead: PointerHeadOption?

    /// The pointer vocabulary of model option `pointer_head`: ids `firstID ..< firstID + count`.
    public struct PointerHeadOption: Sendable, Equatable {
        public var firstID: Int
        public var count: Int
    }

    /// The model options (config.json keys `understudy_*`) this build serves.
    static let knownOptions = ["understudy_pointer_head"]

    static let supported = ["LlamaForCausalLM", "Qwen2ForCausalLM"]

    /// Reads `config.json`; errors name the file and field.
    public init(url: URL) throws {
        let path = url.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InferenceError.fileUnreadable(path, "no such file")
        }
        guard let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw InferenceError.malformedFile(path, "not a JSON object")
        }
        let modelType = o["model_type"] as? String
        let architectures = o["architectures"] as? [String] ?? []
        if let name = architectures.first(where: Self.supported.contains) {
            architecture = name
        } else if modelType == "llama" || modelType == "qwen2" {
            architecture = modelType == "llama" ? "LlamaForCausalLM" : "Qwen2ForCausalLM"
        } else {
            throw InferenceError.unsupportedModel(
                path,
                "field 'architectures' is \(architectures) (model_type \(modelType ?? "none")); supported: \(Self.supported.joined(separator: ", "))"
            )
        }
        if let activation = o["hidden_act"] as? String, activation != "silu" {
            throw InferenceError.unsupportedModel(path, "field 'hidden_act' is '\(activation)'; supported: silu")
        }
        func int(_ key: String) throws -> Int {
            guard let value = o[key] as? Int else {
                throw InferenceError.invalidConfig(path, field: key, "is missing or not an integer")
            }
            return value
        }
        vocabularySize = try int("vocab_size")
        hiddenSize = try int("hidden_size")
        intermediateSize = try int("intermediate_size")
        layers = try int("num_hidden_layers")
        heads = try int("num_attention_heads")
        keyValueHeads = o["num_key_value_heads"] as? Int ?? heads
        headDimension = o["head_dim"] as? Int ?? hiddenSize / heads
        guard heads % keyValueHeads == 0 else {
            throw InferenceError.invalidConfig(path, field: "num_key_value_heads", "must divide num_attention_heads")
        }
        rmsNormEpsilon = Float(o["rms_norm_eps"] as? Double ?? 1e-6)
        let rope = (o["rope_parameters"] as? [String: Any]) ?? (o["rope_scaling"] as? [String: Any]) ?? [:]
        ropeTheta = rope["rope_theta"] as? Double ?? o["rope_theta"] as? Double ?? 10000
        let ropeType = rope["rope_type"] as? String ?? rope["type"] as? String ?? "default"
        switch ropeType {
        case "default": ropeLinearFactor = 1
        case "linear": ropeLinearFactor = rope["factor"] as? Double ?? 1
        default:
            throw InferenceError.unsupportedModel(
                path, "field 'rope_type' is '\(ropeType)'; supported: default, linear")
        }
        tiedEmbeddings = o["tie_word_embeddings"] as? Bool ?? (architecture == "Qwen2ForCausalLM")
        attentionBias = architecture == "Qwen2ForCausalLM" || (o["attention_bias"] as? Bool ?? false)
        if o["mlp_bias"] as? Bool == true {
            throw InferenceError.unsupportedModel(path, "field 'mlp_bias' is true; supported: false")
        }
        maxPositions = o["max_position_embeddings"] as? Int ?? 4096
        if let eos = o["eos_token_id"] as? Int {
            eosTokenIDs = [Int32(eos)]
        } else {
            eosTokenIDs = (o["eos_token_id"] as? [Int] ?? []).map(Int32.init)
        }
        bosTokenID = (o["bos_token_id"] as? Int).map(Int32.init)
        pointerHead = try Self.pointerHead(o, vocabularySize: vocabularySize, path: path)
    }

    /// Reads `understudy_pointer_head`; refuses a model option or version this build does not know,
    /// since serving such a model without it would give other logits than the trainer's.
    static func pointerHead(_ o: [String: Any], vocabularySize: Int, path: String) throws -> PointerHeadOption? {
        if let unknown = o.keys.sorted().first(where: { $0.hasPrefix("understudy_") && !knownOptions.contains($0) }) {
            let known = knownOptions.joined(separator: ", ")
            throw InferenceError.unsupportedModel(
                path, "field '\(unknown)' is a model option this build does not know; known: \(known)")
        }
        guard let value = o["understudy_pointer_head"] else { return nil }
        let field = "understudy_pointer_head"
        guard let option = value as? [String: Any] else {
            throw InferenceError.invalidConfig(path, field: field, "is not an object")
        }
        guard option["version"] as? Int == 1 else {
            throw InferenceError.unsupportedModel(
                path, "field '\(field).version' is \(option["version"] ?? "missing"); this build serves version 1")
        }
        guard let first = option["first_id"] as? Int, let count = option["count"] as? Int, first >= 0, count > 0,
            first + count <= vocabularySize
        else {
            throw InferenceError.invalidConfig(
                path, field: field, "needs first_id and count with first_id + count <= vocab_size \(vocabularySize)")
        }
        return PointerHeadOption(firstID: first, count: count)
    }
}
