/// LayerNorm (BERT) and RMSNorm (Llama) over the rows of a matrix.
public struct LayerNorm: Sendable {
    /// Scale (γ), one per feature.
    public let weight: [Float]
    /// Shift (β), one per feature.
    public let bias: [Float]
    /// Added to the variance before the square root.
    public let epsilon: Float

    /// A layer norm with the given parameters.
    public init(weight: [Float], bias: [Float], epsilon: Float) {
        self.weight = weight
        self.bias = bias
        self.epsilon = epsilon
    }

    /// Normalizes every row of `x` in place: (x − mean) / √(var + ε) · γ + β.
    public func callAsFunction(_ x: inout Matrix) {
        let n = x.columns
        precondition(n == weight.count, "LayerNorm over \(weight.count) features given \(n)")
        x.storage.withUnsafeMutableBufferPointer { buffer in
            weight.withUnsafeBufferPointer { w in
                bias.withUnsafeBufferPointer { b in
                    for row in 0..<x.rows {
                        let p = buffer.baseAddress! + row * n
                        var mean: Float = 0
                        for i in 0..<n { mean += p[i] }
                        mean /= Float(n)
                        var variance: Float = 0
                        for i in 0..<n {
                            let d = p[i] - mean
                            variance += d * d
                        }
                        variance /= Float(n)
                        let inverse = 1 / (variance + epsilon).squareRoot()
                        for i in 0..<n { p[i] = (p[i] - mean) * inverse * w[i] + b[i] }
                    }
                }
            }
        }
    }
}

/// RMSNorm: x / √(mean(x²) + ε) · γ.
public struct RMSNorm: Sendable {
    /// Scale (γ), one per feature.
    public let weight: [Float]
    /// Added to the mean square before the square root.
    public let epsilon: Float

    /// An RMS norm with the given parameters.
    public init(weight: [Float], epsilon: Float) {
        self.weight = weight
        self.epsilon = epsilon
    }

    /// Writes the normalized rows of `input` into `output` (same shape).
    public func apply(_ input: Matrix, into output: inout Matrix) {
        let n = input.columns
        precondition(n == weight.count, "RMSNorm over \(weight.count) features given \(n)")
        if output.columns != n { output = Matrix(rows: input.rows, columns: n) }
        output.resize(rows: input.rows)
        input.storage.withUnsafeBufferPointer { source in
            output.storage.withUnsafeMutableBufferPointer { target in
                weight.withUnsafeBufferPointer { w in
                    for row in 0..<input.rows {
                        let p = source.baseAddress! + row * n
                        let q = target.baseAddress! + row * n
                        var sum: Float = 0
                        for i in 0..<n { sum += p[i] * p[i] }
                        let inverse = 1 / (sum / Float(n) + epsilon).squareRoot()
                        for i in 0..<n { q[i] = p[i] * inverse * w[i] }
                    }
                }
            }
        }
    }
}
