import Foundation

/// How `LlamaModel.generate` picks tokens and when it stops.
public struct GenerationConfiguration: Sendable {
    /// At most this many new tokens.
    public var maxNewTokens: Int
    /// 0 = greedy (argmax); above 0 samples from softmax(logits / temperature).
    public var temperature: Float
    /// Seed of the sampler, so sampled generations are reproducible.
    public var seed: UInt64
    /// Tokens that end generation (not included in the output).
    public var stopTokens: Set<Int32>

    /// - Parameters:
    ///   - maxNewTokens: at most this many new tokens (default 256).
    ///   - temperature: 0 for greedy (default).
    ///   - seed: sampler seed (default 0).
    ///   - stopTokens: end-of-answer tokens (default: none; `LlamaModel` adds `eos_token_id` when nil).
    public init(maxNewTokens: Int = 256, temperature: Float = 0, seed: UInt64 = 0, stopTokens: Set<Int32>? = nil) {
        self.maxNewTokens = maxNewTokens
        self.temperature = temperature
        self.seed = seed
        self.stopTokens = stopTokens ?? []
        useModelStopTokens = stopTokens == nil
    }

    var useModelStopTokens: Bool
}

/// What `generate` produced, with the confidence of the answer.
public struct GenerationResult: Sendable {
    /// Why generation ended.
    public enum FinishReason: String, Sendable { case stop, length, constraint }

    /// The new tokens (stop token excluded).
    public var tokens: [Int32]
    /// Log-probability the model gave each chosen token (unconstrained softmax at temperature 1),
    /// the stop token included when there was one.
    public var logProbabilities: [Float]
    public var finishReason: FinishReason

    /// The lowest token log-probability: the least certain step of the answer.
    public var minLogProbability: Float { logProbabilities.min() ?? 0 }
    /// The mean token log-probability.
    public var meanLogProbability: Float {
        logProbabilities.isEmpty ? 0 : logProbabilities.reduce(0, +) / Float(logProbabilities.count)
    }
}

/// Restricts which tokens may come next (constrained decoding). Called once per step: `mask`
/// sets the logits of forbidden tokens to −∞, then `accept` is told the chosen token.
public protocol TokenConstraint: AnyObject {
    /// Sets forbidden tokens' logits to `-Float.infinity`.
    func mask(_ logits: inout [Float])
    /// Whether `token` may come next (lets greedy decoding test the best few tokens instead of
    /// computing the whole mask).
    func allows(_ token: Int32) -> Bool
    /// Advances past the chosen token.
    func accept(_ token: Int32) throws
    /// True when the constrained text is complete: generation stops (as if a stop token came).
    var isComplete: Bool { get }
}

/// A small, fast, seedable generator (SplitMix64) so sampling is reproducible across runs.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension LlamaModel {
    /// Generates after `prompt` (token ids) with a KV cache, greedy or sampled, optionally
    /// constrained; stops at a stop token, when the constraint is complete, or at `maxNewTokens`.
    ///
    /// ```swift
    /// let result = try model.generate(prompt: tokenizer.encode(text), configuration: .init(maxNewTokens: 64))
    /// print(tokenizer.decode(result.tokens), result.minLogProbability)
    /// ```
    public func generate(
        prompt: [Int32], configuration: GenerationConfiguration, constraint: (any TokenConstraint)? = nil
    ) throws -> GenerationResult {
        guard !prompt.isEmpty else { throw InferenceError.invalidInput("generate needs a non-empty prompt") }
        var stops = configuration.stopTokens
        if configuration.useModelStopTokens { stops.formUnion(self.configuration.eosTokenIDs) }
        var cache = makeCache(capacity: prompt.count + configuration.maxNewTokens + 1)
        var random = SplitMix64(state: configuration.seed)
        var tokens: [Int32] = []
        var logProbabilities: [Float] = []
        var logits = forward(prompt, cache: &cache).storage
        while true {
            if let constraint, constraint.isComplete {
                return GenerationResult(tokens: tokens, logProbabilities: logProbabilities, finishReason: .stop)
            }
            if tokens.count >= configuration.maxNewTokens {
                return GenerationResult(tokens: tokens, logProbabilities: logProbabilities, finishReason: .length)
            }
            let logProbs = Activations.logSoftmax(logits)
            var picked: Int32? = nil
            if let constraint, configuration.temperature <= 0 {
                // Greedy: the best allowed token is usually among the model's top few.
                picked = Self.topCandidates(logits, count: 8).first(where: constraint.allows)
            }
            if picked == nil {
                var masked = logits
                constraint?.mask(&masked)
                picked = Self.pick(masked, temperature: configuration.temperature, random: &random)
            }
            guard let token = picked else {
                return GenerationResult(tokens: tokens, logProbabilities: logProbabilities, finishReason: .constraint)
            }
            logProbabilities.append(logProbs[Int(token)])
            try constraint?.accept(token)
            if stops.contains(token) {
                return GenerationResult(tokens: tokens, logProbabilities: logProbabilities, finishReason: .stop)
            }
            tokens.append(token)
            logits = forward([token], cache: &cache).storage
        }
    }

    /// The ids of the `count` largest finite logits, best first.
    static func topCandidates(_ logits: [Float], count: Int) -> [Int32] {
        var best: [(Float, Int32)] = []
        for (i, value) in logits.enumerated() where value > -Float.infinity {
            if best.count < count {
                best.append((value, Int32(i)))
                best.sort { $0.0 > $1.0 }
            } else if value > best[count - 1].0 {
                best[count - 1] = (value, Int32(i))
                best.sort { $0.0 > $1.0 }
            }
        }
        return best.map(\.1)
    }

    /// Argmax, or a sample from softmax(logits / T); nil when every logit is −∞.
    static func pick(_ logits: [Float], temperature: Float, random: inout SplitMix64) -> Int32? {
        var best = -1
        var bestValue = -Float.infinity
        for (i, value) in logits.enumerated() where value > bestValue {
            best = i
            bestValue = value
        }
        guard best >= 0 else { return nil }
        if temperature <= 0 { return Int32(best) }
        var weights = [Double](repeating: 0, count: logits.count)
        var total: Double = 0
        for (i, value) in logits.enumerated() where value > -Float.infinity {
            let w = exp(Double((value - bestValue) / temperature))
            weights[i] = w
            total += w
        }
        var threshold = Double.random(in: 0..<1, using: &random) * total
        for (i, w) in weights.enumerated() where w > 0 {
            threshold -= w
            if threshold < 0 { return Int32(i) }
        }
        return Int32(best)
    }
}
