import Foundation

/// A BERT encoder (embeddings, then post-norm transformer layers) on CBLAS.
///
/// Sequences are packed: the tokens of a whole batch form one matrix with no padding, so the
/// linear layers (almost all of the work) run as one sgemm over real tokens only, and attention
/// runs per sequence. This needs no attention mask and wastes nothing on padding.
public final class BertEncoder: @unchecked Sendable {
    struct Layer {
        var qkv: PackedLinear
        var attentionOutput: PackedLinear
        var attentionNorm: LayerNorm
        var intermediate: PackedLinear
        var output: PackedLinear
        var outputNorm: LayerNorm
    }

    /// The model's configuration.
    public let configuration: BertConfiguration
    let wordEmbeddings: Matrix
    let positionEmbeddings: Matrix
    let typeEmbeddings: Matrix
    let embeddingNorm: LayerNorm
    let layers: [Layer]

    /// Loads `config.json` and `model.safetensors` from a model directory (with or without
    /// the `bert.` prefix on tensor names).
    public init(directory: URL) throws {
        let config = try BertConfiguration(url: directory.appendingPathComponent("config.json"))
        configuration = config
        let store = try TensorStore(directory: directory)
        let prefix = store.contains("bert.embeddings.word_embeddings.weight") ? "bert." : ""
        let h = config.hiddenSize
        func norm(_ name: String) throws -> LayerNorm {
            LayerNorm(
                weight: try store.tensor("\(prefix)\(name).weight", shape: [h]),
                bias: try store.tensor("\(prefix)\(name).bias", shape: [h]), epsilon: config.layerNormEpsilon)
        }
        wordEmbeddings = try store.matrix(
            "\(prefix)embeddings.word_embeddings.weight", rows: config.vocabularySize, columns: h)
        positionEmbeddings = try store.matrix(
            "\(prefix)embeddings.position_embeddings.weight", rows: config.maxPositions, columns: h)
        typeEmbeddings = try store.matrix(
            "\(prefix)embeddings.token_type_embeddings.weight", rows: config.typeVocabularySize, columns: h)
        embeddingNorm = try norm("embeddings.LayerNorm")
        layers = try (0..<config.layers).map { i in
            let p = "\(prefix)encoder.layer.\(i)"
            let q = try store.linear("\(p).attention.self.query", inputs: h, outputs: h, bias: true)
            let k = try store.linear("\(p).attention.self.key", inputs: h, outputs: h, bias: true)
            let v = try store.linear("\(p).attention.self.value", inputs: h, outputs: h, bias: true)
            return Layer(
                qkv: PackedLinear(.concatenating([q, k, v])),
                attentionOutput: PackedLinear(
                    try store.linear("\(p).attention.output.dense", inputs: h, outputs: h, bias: true)),
                attentionNorm: try norm("encoder.layer.\(i).attention.output.LayerNorm"),
                intermediate: PackedLinear(
                    try store.linear(
                        "\(p).intermediate.dense", inputs: h, outputs: config.intermediateSize, bias: true)),
                output: PackedLinear(
                    try store.linear("\(p).output.dense", inputs: config.intermediateSize, outputs: h, bias: true)),
                outputNorm: try norm("encoder.layer.\(i).output.LayerNorm"))
        }
    }

    /// Reusable activations of one packed batch.
    struct Workspace {
        var hidden = Matrix(rows: 0, columns: 0)
        var qkv = Matrix(rows: 0, columns: 0)
        var context = Matrix(rows: 0, columns: 0)
        var projected = Matrix(rows: 0, columns: 0)
        var intermediate = Matrix(rows: 0, columns: 0)
        var scores: [Float] = []
    }

    /// Runs the encoder over packed sequences; returns the last hidden states, one row per
    /// token, sequences one after another. Token ids must be below the vocabulary size.
    func forward(_ sequences: [[Int32]], workspace w: inout Workspace) -> Matrix {
        let h = configuration.hiddenSize
        let total = sequences.reduce(0) { $0 + $1.count }
        if w.hidden.columns != h { w.hidden = Matrix(rows: total, columns: h) }
        w.hidden.resize(rows: total)
        w.hidden.storage.withUnsafeMutableBufferPointer { out in
            var row = 0
            for sequence in sequences {
                for (position, id) in sequence.enumerated() {
                    let target = out.baseAddress! + row * h
                    wordEmbeddings.storage.withUnsafeBufferPointer { words in
                        positionEmbeddings.storage.withUnsafeBufferPointer { positions in
                            typeEmbeddings.storage.withUnsafeBufferPointer { types in
                                let a = words.baseAddress! + Int(id) * h
                                let b = positions.baseAddress! + position * h
                                let c = types.baseAddress!
                                for i in 0..<h { target[i] = a[i] + b[i] + c[i] }
                            }
                        }
                    }
                    row += 1
                }
            }
        }
        embeddingNorm(&w.hidden)
        let threads = BLAS.threads
        for layer in layers {
            layer.qkv.apply(w.hidden, into: &w.qkv, threads: threads)
            attention(sequences, workspace: &w)
            layer.attentionOutput.apply(w.context, into: &w.projected, threads: threads)
            Self.add(w.hidden, into: &w.projected)
            layer.attentionNorm(&w.projected)
            layer.intermediate.apply(w.projected, into: &w.intermediate, threads: threads)
            Activations.gelu(&w.intermediate.storage)
            layer.output.apply(w.intermediate, into: &w.hidden, threads: threads)
            Self.add(w.projected, into: &w.hidden)
            layer.outputNorm(&w.hidden)
        }
        return w.hidden
    }

    private func attention(_ sequences: [[Int32]], workspace w: inout Workspace) {
        let h = configuration.hiddenSize
        let heads = configuration.heads
        let d = h / heads
        let scale = 1 / Float(d).squareRoot()
        let total = w.qkv.rows
        if w.context.columns != h { w.context = Matrix(rows: total, columns: h) }
        w.context.resize(rows: total)
        let longest = sequences.map(\.count).max() ?? 0
        if w.scores.count < longest * longest { w.scores = [Float](repeating: 0, count: longest * longest) }
        w.qkv.storage.withUnsafeBufferPointer { qkv in
            w.context.storage.withUnsafeMutableBufferPointer { context in
                w.scores.withUnsafeMutableBufferPointer { scores in
                    var offset = 0
                    for sequence in sequences {
                        let n = sequence.count
                        for head in 0..<heads {
                            let q = qkv.baseAddress! + offset * 3 * h + head * d
                            BLAS.gemmABt(
                                m: n, n: n, k: d, a: q, lda: 3 * h, b: q + h, ldb: 3 * h, c: scores.baseAddress!,
                                ldc: n, alpha: scale)
                            for row in 0..<n { Activations.softmax(scores.baseAddress! + row * n, count: n) }
                            BLAS.gemmAB(
                                m: n, n: d, k: n, a: scores.baseAddress!, lda: n, b: q + 2 * h, ldb: 3 * h,
                                c: context.baseAddress! + offset * h + head * d, ldc: h)
                        }
                        offset += n
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
