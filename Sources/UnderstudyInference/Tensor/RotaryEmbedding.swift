import Foundation

/// Rotary position embedding as Hugging Face Llama applies it ("rotate half": feature i is
/// paired with feature i + d/2), with optional linear position scaling.
public struct RotaryEmbedding: Sendable {
    /// Features per head that rotate (the head dimension).
    public let dimension: Int
    private let inverseFrequencies: [Double]
    private let positionScale: Double

    /// - Parameters:
    ///   - dimension: the head dimension (even).
    ///   - theta: `rope_theta` (10000 for Llama 2, 1e6 for Qwen2).
    ///   - linearScalingFactor: `rope_scaling.factor` for `"type": "linear"`; 1 for none.
    public init(dimension: Int, theta: Double, linearScalingFactor: Double = 1) {
        self.dimension = dimension
        // Computed in Float like PyTorch does, so long positions agree to the last bit we can.
        inverseFrequencies = (0..<(dimension / 2)).map { i in
            Double(Float(1) / powf(Float(theta), Float(2 * i) / Float(dimension)))
        }
        positionScale = 1 / linearScalingFactor
    }

    /// Rotates `heads` consecutive head vectors of `dimension` values starting at `vector`,
    /// all at `position`.
    public func apply(_ vector: UnsafeMutablePointer<Float>, heads: Int, stride: Int, position: Int) {
        let half = dimension / 2
        let p = Float(Double(position) * positionScale)
        var cosines = [Float](repeating: 0, count: half)
        var sines = [Float](repeating: 0, count: half)
        for i in 0..<half {
            let angle = p * Float(inverseFrequencies[i])
            cosines[i] = cosf(angle)
            sines[i] = sinf(angle)
        }
        for head in 0..<heads {
            let x = vector + head * stride
            for i in 0..<half {
                let a = x[i]
                let b = x[i + half]
                x[i] = a * cosines[i] - b * sines[i]
                x[i + half] = b * cosines[i] + a * sines[i]
            }
        }
    }
}
