import Foundation

/// A Llama-family decoder (Llama, Qwen2) on CBLAS: RMSNorm, RoPE, grouped-query attention,
/// SwiGLU MLP, optional QKV bias, tied or separate output embeddings, KV cache.
///
/// ```swift
/// let model = try LlamaModel(directory: specialistDirectory)
/// var cache = model.makeCache()
/// let logits = model.forward([1, 42, 7], cache: &cache)   // logits of the last position
/// ```
public final class LlamaModel: @unchecked Sendable {
    struct Layer {
        var inputNorm: RMSNorm
        var qkv: Linear
        var output: Linear
        var postAttentionNorm: RMSNorm
        var gateUp: Linear
        var down: Linear
    }

    /// The model's configuration.
    public let configuration: LlamaConfiguration
    let embeddings: Matrix
    let layers: [Layer]
    let finalNorm: RMSNorm
    let head: Linear
    let rope: RotaryEmbedding
    /// Model option `pointer_head` (PointerHead.swift), nil when the model has none.
    let pointerHead: PointerHead?

    /// Loads `config.json` and the safetensors weights (F32, F16 or BF16) of a model directory.
    public init(directory: URL) throws {
        let c = try LlamaConfiguration(url: directory.appendingPathComponent("config.json"))
        configuration = c
        let store = try TensorStore(directory: directory)
        let h = c.hiddenSize
        let q = c.heads * c.headDimension
        let kv = c.keyValueHeads * c.headDimension
        embeddings = try store.matrix("model.embed_tokens.weight", rows: c.vocabularySize, columns: h)
        layers = try (0..<c.layers).map { i in
            let p = "model.layers.\(i)"
            let bias: Bool? = c.attentionBias ? true : false
            return Layer(
                inputNorm: RMSNorm(
                    weight: try store.tensor("\(p).input_layernorm.weight", shape: [h]), epsilon: c.rmsNormEpsilon),
                qkv: .concatenating([
                    try store.linear("\(p).self_attn.q_proj", inputs: h, outputs: q, bias: bias),
                    try store.linear("\(p).self_attn.k_proj", inputs: h, outputs: kv, bias: bias),
                    try store.linear("\(p).self_attn.v_proj", inputs: h, outputs: kv, bias: bias),
                ]),
                // Llama with attention_bias also biases o_proj; Qwen2 does not: follow the file.
                output: try store.linear("\(p).self_attn.o_proj", inputs: q, outputs: h, bias: nil),
                postAttentionNorm: RMSNorm(
                    weight: try store.tensor("\(p).post_attention_layernorm.weight", shape: [h]),
                    epsilon: c.rmsNormEpsilon),
                gateUp: .concatenating([
                    try store.linear("\(p).mlp.gate_proj", inputs: h, outputs: c.intermediateSize, bias: false),
                    try store.linear("\(p).mlp.up_proj", inputs: h, outputs: c.intermediateSize, bias: false),
                ]),
                down: try store.linear("\(p).mlp.down_proj", inputs: c.intermediateSize, outputs: h, bias: false))
        }
        finalNorm = RMSNorm(weight: try store.tensor("model.norm.weight", shape: [h]), epsilon: c.rmsNormEpsilon)
        if c.tiedEmbeddings || !store.contains("lm_head.weight") {
            guard c.tiedEmbeddings else {
                throw InferenceError.missingTensor(
                    "lm_head.weight", file: directory.appendingPathComponent("model.safetensors").path)
            }
            head = Linear(weight: embeddings, bias: nil)
        } else {
            head = try store.linear("lm_head", inputs: h, outputs: c.vocabularySize, bias: false)
        }
        rope = RotaryEmbedding(dimension: c.headDimension, theta: c.ropeTheta, linearScalingFactor: c.ropeLinearFactor)
        pointerHead = try c.pointerHead.map { try PointerHead(store: store, option: $0, hidden: h) }
    }

    /// An empty KV cache sized for this model.
    public func makeCache(capacity: Int = 256) -> KVCache {
        KVCache(
            layers: configuration.layers, width: configuration.keyValueHeads * configuration.headDimension,
            capacity: capacity)
    }

    /// Runs `tokens` after the positions already in `cache`, appends them to it, and returns the
    /// logits: of the last token (1 row), or of every token when `allPositions`.
    public func forward(_ tokens: [Int32], cache: inout KVCache, allPositions: Bool = false) -> Matrix {
        BLAS.compute { forwardLocked(tokens, cache: &cache, allPositions: allPositions) }
    }

    func forwardLocked(_ tokens: [Int32], cache: inout KVCache, allPositions: Bool) -> Matrix {
        let c = configuration
        let h = c.hiddenSize
        let n = tokens.count
        precondition(n > 0, "forward needs at least one token")
        precondition(tokens.allSatisfy { $0 >= 0 && Int($0) < c.vocabularySize }, "token id outside the vocabulary")
        let start = cache.count
        cache.reserve(n)
        var x = Matrix(rows: n, columns: h)
        x.storage.withUnsafeMutableBufferPointer { out in
            embeddings.storage.withUnsafeBufferPointer { table in
                for (row, id) in tokens.enumerated() {
                    (out.baseAddress! + row * h).update(from: table.baseAddress! + Int(id) * h, count: h)
                }
            }
        }
        var normed = Matrix(rows: n, columns: h)
        var qkv = Matrix(rows: n, columns: 0)
        var attended = Matrix(rows: n, columns: c.heads * c.headDimension)
        var projected = Matrix(rows: n, columns: h)
        var gateUp = Matrix(rows: n, columns: 0)
        var activated = Matrix(rows: n, columns: c.intermediateSize)
        for (index, layer) in layers.enumerated() {
            layer.inputNorm.apply(x, into: &normed)
            layer.qkv.apply(normed, into: &qkv)
            attention(&qkv, layer: index, cache: &cache, into: &attended)
            layer.output.apply(attended, into: &projected)
            Self.add(projected, into: &x)
            layer.postAttentionNorm.apply(x, into: &normed)
            layer.gateUp.apply(normed, into: &gateUp)
            let m = c.intermediateSize
            gateUp.storage.withUnsafeMutableBufferPointer { gu in
                activated.storage.withUnsafeMutableBufferPointer { act in
                    for row in 0..<n {
                        let g = gu.baseAddress! + row * 2 * m
                        Activations.swiGLU(gate: g, up: g + m, count: m)
                        (act.baseAddress! + row * m).update(from: g, count: m)
                    }
                }
            }
            layer.down.apply(activated, into: &projected)
            Self.add(projected, into: &x)
        }
        cache.advance(by: n)
        if let pointerHead, start == 0 {
            // The prompt (a cache's first forward) holds the pointers an answer can copy.
            finalNorm.apply(x, into: &normed)
            pointerHead.register(tokens, states: normed, start: start, cache: &cache)
        }
        if !allPositions && n > 1 {
            x = Matrix(rows: 1, columns: h, values: x.row(n - 1))
        }
        finalNorm.apply(x, into: &normed)
        var logits = head(normed)
        if let pointerHead {
            var lasts: [Int] = []
            for token in tokens {
                // Tokens after the prompt are the answer: its pointers move r(k, last).
                if start > 0, let k = pointerHead.index(of: token) { cache.lastPointer = k }
                lasts.append(cache.lastPointer)
            }
            let positions = allPositions ? Array(start..<start + n) : [start + n - 1]
            pointerHead.apply(
                states: normed, positions: positions, lasts: allPositions ? lasts : [lasts[n - 1]], cache: cache,
                logits: &logits)
        }
        return logits
    }

    /// Rotates Q and K, stores K and V in the cache, and writes causal attention over all cached
    /// positions into `out`.
    private func attention(_ qkv: inout Matrix, layer: Int, cache: inout KVCache, into out: inout Matrix) {
        let c = configuration
        let n = qkv.rows
        let d = c.headDimension
        let qWidth = c.heads * d
        let kvWidth = c.keyValueHeads * d
        let stride = qWidth + 2 * kvWidth
        let start = cache.count
        let total = start + n
        let group = c.heads / c.keyValueHeads
        let scale = 1 / Float(d).squareRoot()
        qkv.storage.withUnsafeMutableBufferPointer { buffer in
            for t in 0..<n {
                let row = buffer.baseAddress! + t * stride
                rope.apply(row, heads: c.heads, stride: d, position: start + t)
                rope.apply(row + qWidth, heads: c.keyValueHeads, stride: d, position: start + t)
            }
            cache.keys[layer].withUnsafeMutableBufferPointer { keys in
                cache.values[layer].withUnsafeMutableBufferPointer { values in
                    for t in 0..<n {
                        let row = buffer.baseAddress! + t * stride
                        (keys.baseAddress! + (start + t) * kvWidth).update(from: row + qWidth, count: kvWidth)
                        (values.baseAddress! + (start + t) * kvWidth).update(
                            from: row + qWidth + kvWidth, count: kvWidth)
                    }
                }
            }
        }
        var scores = [Float](repeating: 0, count: n * total)
        qkv.storage.withUnsafeBufferPointer { buffer in
            cache.keys[layer].withUnsafeBufferPointer { keys in
                cache.values[layer].withUnsafeBufferPointer { values in
                    out.storage.withUnsafeMutableBufferPointer { result in
                        scores.withUnsafeMutableBufferPointer { s in
                            for head in 0..<c.heads {
                                let kvHead = head / group
                                BLAS.gemmABt(
                                    m: n, n: total, k: d, a: buffer.baseAddress! + head * d, lda: stride,
                                    b: keys.baseAddress! + kvHead * d, ldb: kvWidth, c: s.baseAddress!, ldc: total,
                                    alpha: scale)
                                for t in 0..<n {
                                    // Token t sees positions 0...start+t.
                                    let visible = start + t + 1
                                    let p = s.baseAddress! + t * total
                                    for j in visible..<total { p[j] = 0 }
                                    Activations.softmax(p, count: visible)
                                }
                                if n == 1 {
                                    let target = result.baseAddress! + head * d
                                    for i in 0..<d { target[i] = 0 }
                                    let p = s.baseAddress!
                                    for j in 0..<total {
                                        let v = values.baseAddress! + j * kvWidth + kvHead * d
                                        let w = p[j]
                                        for i in 0..<d { target[i] += w * v[i] }
                                    }
                                } else {
                                    BLAS.gemmAB(
                                        m: n, n: d, k: total, a: s.baseAddress!, lda: total,
                                        b: values.baseAddress! + kvHead * d, ldb: kvWidth,
                                        c: result.baseAddress! + head * d, ldc: qWidth)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static func add(_ source: Matrix, into target: inout Matrix) {
        let count = target.rows * target.columns
        source.storage.withUnsafeBufferPointer { s in
            target.storage.withUnsafeMutableBufferPointer { t in
                for i in 0..<count { t[i] += s[i] }
            }
        }
    }
}
