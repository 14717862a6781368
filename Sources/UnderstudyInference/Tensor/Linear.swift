/// A fully connected layer in PyTorch's layout: `y = x · Wᵀ + b`, W is `outputs × inputs`.
public struct Linear: Sendable {
    /// The weight, `outputs × inputs`.
    public let weight: Matrix
    /// The bias (`outputs` values) or nil.
    public let bias: [Float]?

    /// Number of input features.
    public var inputs: Int { weight.columns }
    /// Number of output features.
    public var outputs: Int { weight.rows }

    /// A layer over a weight and optional bias.
    public init(weight: Matrix, bias: [Float]?) {
        precondition(bias == nil || bias!.count == weight.rows, "Linear bias size does not match weight rows")
        self.weight = weight
        self.bias = bias
    }

    /// Stacks layers with the same input size into one (outputs concatenated), so that several
    /// projections of the same input (Q, K and V) take one sgemm.
    public static func concatenating(_ layers: [Linear]) -> Linear {
        let inputs = layers[0].inputs
        precondition(layers.allSatisfy { $0.inputs == inputs })
        var values: [Float] = []
        var bias: [Float] = []
        let anyBias = layers.contains { $0.bias != nil }
        for layer in layers {
            values += layer.weight.storage
            if anyBias { bias += layer.bias ?? [Float](repeating: 0, count: layer.outputs) }
        }
        let rows = layers.reduce(0) { $0 + $1.outputs }
        return Linear(weight: Matrix(rows: rows, columns: inputs, values: values), bias: anyBias ? bias : nil)
    }

    /// Returns `input · Wᵀ + b`.
    public func callAsFunction(_ input: Matrix) -> Matrix {
        var output = Matrix(rows: input.rows, columns: outputs)
        apply(input, into: &output)
        return output
    }

    /// Writes `input · Wᵀ + b` into `output` (resized to `input.rows` rows; its buffer is reused).
    public func apply(_ input: Matrix, into output: inout Matrix) {
        precondition(input.columns == inputs, "Linear expects \(inputs) input features, got \(input.columns)")
        if output.columns != outputs { output = Matrix(rows: input.rows, columns: outputs) }
        output.resize(rows: input.rows)
        let m = input.rows
        let n = outputs
        let k = inputs
        if m == 0 { return }
        output.storage.withUnsafeMutableBufferPointer { out in
            if let bias {
                bias.withUnsafeBufferPointer { b in
                    for row in 0..<m {
                        (out.baseAddress! + row * n).update(from: b.baseAddress!, count: n)
                    }
                }
            }
            input.storage.withUnsafeBufferPointer { a in
                weight.storage.withUnsafeBufferPointer { w in
                    BLAS.gemmABt(
                        m: m, n: n, k: k, a: a.baseAddress!, lda: k, b: w.baseAddress!, ldb: k,
                        c: out.baseAddress!, ldc: n, accumulate: bias != nil)
                }
            }
        }
    }
}
