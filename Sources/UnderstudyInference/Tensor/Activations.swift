import Foundation

/// Element-wise activations and the row-wise softmax, written as plain loops over contiguous
/// buffers so the compiler vectorizes them.
public enum Activations {
    /// GELU with the exact (erf) form BERT uses: x · ½ · (1 + erf(x / √2)).
    public static func gelu(_ values: inout [Float]) {
        let count = values.count
        values.withUnsafeMutableBufferPointer { buffer in
            let p = buffer.baseAddress!
            for i in 0..<count {
                let x = p[i]
                p[i] = 0.5 * x * (1 + erf(x * 0.70710678118654752))
            }
        }
    }

    /// erf(x) for Float by a rational approximation (the one Eigen and XLA use), absolute error
    /// below 2e-7 and branch-free, so loops over it vectorize; `Foundation.erff` does not.
    @inline(__always)
    public static func erf(_ input: Float) -> Float {
        let x = Swift.min(Swift.max(input, -4), 4)
        let x2 = x * x
        var p: Float = -2.72614225801306e-10
        p = p * x2 + 2.77068142495902e-08
        p = p * x2 - 2.10102402082508e-06
        p = p * x2 - 5.69250639462346e-05
        p = p * x2 - 7.34990630326855e-04
        p = p * x2 - 2.95459980854025e-03
        p = p * x2 - 1.60960333262415e-02
        p *= x
        var q: Float = -1.45660718464996e-05
        q = q * x2 - 2.13374055278905e-04
        q = q * x2 - 1.68282697438203e-03
        q = q * x2 - 7.37332916720468e-03
        q = q * x2 - 1.42647390514189e-02
        return p / q
    }

    /// SiLU (x · sigmoid(x)) of `gate`, multiplied element-wise by `up`, in `gate`: SwiGLU.
    public static func swiGLU(gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count: Int) {
        for i in 0..<count {
            let g = gate[i]
            gate[i] = g / (1 + expf(-g)) * up[i]
        }
    }

    /// Softmax in place over `count` values; returns nothing, the values sum to 1 afterwards.
    @inline(__always)
    public static func softmax(_ p: UnsafeMutablePointer<Float>, count: Int) {
        var maximum = -Float.infinity
        for i in 0..<count where p[i] > maximum { maximum = p[i] }
        var sum: Float = 0
        for i in 0..<count {
            let e = expf(p[i] - maximum)
            p[i] = e
            sum += e
        }
        let scale = 1 / sum
        for i in 0..<count { p[i] *= scale }
    }

    /// log-softmax of `logits` (the log-probability of every token).
    public static func logSoftmax(_ logits: [Float]) -> [Float] {
        let maximum = logits.max() ?? 0
        var sum: Double = 0
        for value in logits { sum += Double(expf(value - maximum)) }
        let logSum = Float(Foundation.log(sum)) + maximum
        return logits.map { $0 - logSum }
    }
}
