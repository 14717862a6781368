import CPackedGEMM
import Dispatch

/// A fully connected layer (`y = x · Wᵀ + b`) whose weight is packed once, at load time, into the
/// panels of the AVX-512 kernel in `CPackedGEMM`.
///
/// `cblas_sgemm` repacks its weight on every call, which for a few dozen tokens costs as much as
/// the product (the sentence embedder's case: all-MiniLM-L6-v2 embeds a request's ~60 tokens).
/// With `threads` > 1 the panels are cut into up to 2 × `threads` chunks that dispatch's
/// `concurrentPerform` runs on its worker threads, at most one per core (the caller takes part,
/// so a busy machine degrades to one thread instead of waiting).
/// From `blasRows` rows up (bulk embedding for clustering) the product goes to `cblas_sgemm` on the
/// layer as loaded, whose cache blocking wins there and whose repacking no longer matters (1,000
/// texts: 82 vs 68–76 texts/s with the kernel, one thread); so do CPUs without AVX-512F.
///
/// ```swift
/// let layer = PackedLinear(Linear(weight: w, bias: b))
/// var y = Matrix(rows: 0, columns: 0)
/// layer.apply(x, into: &y, threads: 2)
/// ```
public struct PackedLinear: Sendable {
    /// Output columns per panel (the kernel's tile width).
    static let panelWidth = 32
    /// Number of input features.
    public let inputs: Int
    /// Number of output features.
    public let outputs: Int
    /// From this many rows on, `cblas_sgemm` on `linear` computes the product.
    public static let blasRows = 256
    /// `panelCount` blocks of `inputs × 32`, row-major (zeros past the last output).
    let panels: [Float]
    let bias: [Float]?
    /// The layer as loaded (PyTorch layout), for `blasRows` rows or more and CPUs without the kernel.
    let linear: Linear
    var panelCount: Int { (outputs + Self.panelWidth - 1) / Self.panelWidth }
    private static let kernel = understudy_packed_gemm_available() == 1

    /// Packs a layer's weight.
    public init(_ linear: Linear) {
        let (inputs, outputs, width) = (linear.inputs, linear.outputs, Self.panelWidth)
        self.inputs = inputs
        self.outputs = outputs
        bias = linear.bias
        self.linear = linear
        let count = (outputs + width - 1) / width
        var packed = [Float](repeating: 0, count: count * inputs * width)
        linear.weight.storage.withUnsafeBufferPointer { w in
            for column in 0..<outputs {
                let base = (column / width) * inputs * width + column % width
                for k in 0..<inputs { packed[base + k * width] = w[column * inputs + k] }
            }
        }
        panels = packed
    }

    /// Writes `input · Wᵀ + b` into `output` (resized to `input.rows` rows; its buffer is reused).
    public func apply(_ input: Matrix, into output: inout Matrix, threads: Int = 1) {
        precondition(input.columns == inputs, "PackedLinear expects \(inputs) input features, got \(input.columns)")
        guard Self.kernel, input.rows < Self.blasRows else { return linear.apply(input, into: &output) }
        if output.columns != outputs { output = Matrix(rows: input.rows, columns: outputs) }
        output.resize(rows: input.rows)
        let m = input.rows
        if m == 0 { return }
        // A share below ~4 panels × 8 rows is not worth a thread hand-off.
        let wanted = threads > 1 && m * panelCount >= 64 ? min(threads * 2, panelCount) : 1
        // `per` panels per chunk, and only as many chunks as that leaves non-empty: 12 panels in 8
        // wanted chunks are 6 chunks of 2 (a chunk starting past the last panel would be a bad range).
        let per = (panelCount + wanted - 1) / wanted
        let chunks = (panelCount + per - 1) / per
        input.storage.withUnsafeBufferPointer { x in
            output.storage.withUnsafeMutableBufferPointer { y in
                let (x, y) = (x.baseAddress!, y.baseAddress!)
                if chunks == 1 {
                    compute(rows: m, x: x, y: y, panels: 0..<panelCount)
                } else {
                    nonisolated(unsafe) let (xs, ys) = (x, y)
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        compute(rows: m, x: xs, y: ys, panels: (chunk * per)..<min(panelCount, (chunk + 1) * per))
                    }
                }
            }
        }
    }

    /// The columns of `panels` for all rows; chunks write disjoint columns of `y`.
    private func compute(
        rows m: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, panels range: Range<Int>
    ) {
        let (n, k) = (outputs, inputs)
        panels.withUnsafeBufferPointer { packed in
            let p = packed.baseAddress!
            if let bias {
                bias.withUnsafeBufferPointer { b in
                    understudy_packed_gemm(
                        Int32(m), Int32(n), Int32(k), x, k, p, b.baseAddress!, y, n, Int32(range.lowerBound),
                        Int32(range.upperBound))
                }
            } else {
                understudy_packed_gemm(
                    Int32(m), Int32(n), Int32(k), x, k, p, nil, y, n, Int32(range.lowerBound), Int32(range.upperBound))
            }
        }
    }
}
