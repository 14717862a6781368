import Testing
import UnderstudyInference

/// The sentence encoder's layers multiply by weights packed once at load time (`PackedLinear`):
/// its products must be the ones `Linear` (cblas_sgemm) computes, for any number of tokens,
/// outputs that do not fill the last panel, with or without bias, on one thread or several.
struct PackedLinearTests {
    /// Seeded values in [-1, 1), so a failure reproduces.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) % 2_000_000) / 1_000_000 - 1
        }
    }

    @Test(arguments: [(1, 32, 8), (5, 40, 64), (12, 384, 384), (13, 1152, 384), (30, 33, 1536), (61, 96, 100)])
    func packedProductsEqualTheBLASProducts(rows: Int, outputs: Int, inputs: Int) throws {
        for withBias in [true, false] {
            let layer = Linear(
                weight: Matrix(rows: outputs, columns: inputs, values: Self.values(outputs * inputs, seed: 1)),
                bias: withBias ? Self.values(outputs, seed: 2) : nil)
            let input = Matrix(rows: rows, columns: inputs, values: Self.values(rows * inputs, seed: 3))
            let expected = layer(input)
            let packed = PackedLinear(layer)
            for threads in [1, 2] {
                var output = Matrix(rows: 0, columns: 0)
                packed.apply(input, into: &output, threads: threads)
                #expect(output.rows == rows && output.columns == outputs)
                let worst = zip(output.storage, expected.storage).map { abs($0 - $1) }.max() ?? 0
                // Sums of up to 1536 products of magnitude ≤ 1: float rounding only.
                #expect(worst <= 1e-4, "\(rows)×\(inputs)→\(outputs) bias \(withBias) threads \(threads): \(worst)")
            }
        }
    }

    /// Any thread count splits the panels into non-empty chunks (4 threads on the encoder's
    /// 12-panel layers asked for 8 chunks of 2 panels, the last starting past the end: a trap).
    @Test(arguments: [3, 4, 5, 6, 7, 8, 13])
    func anyThreadCountGivesTheBLASProducts(threads: Int) throws {
        for outputs in [384, 1152, 1536] {
            let layer = Linear(
                weight: Matrix(rows: outputs, columns: 64, values: Self.values(outputs * 64, seed: 4)), bias: nil)
            let input = Matrix(rows: 9, columns: 64, values: Self.values(9 * 64, seed: 5))
            let expected = layer(input)
            var output = Matrix(rows: 0, columns: 0)
            PackedLinear(layer).apply(input, into: &output, threads: threads)
            let worst = zip(output.storage, expected.storage).map { abs($0 - $1) }.max() ?? 0
            #expect(output.rows == 9 && worst <= 1e-4, "\(outputs) outputs, \(threads) threads: \(worst)")
        }
    }
}
