import Foundation

/// The confidence threshold proposed for one cluster: the lowest one whose error share stays at
/// or under the target, which is the one that covers the most traffic (raising a threshold
/// only ever removes answers, so coverage and error both fall with it).
public struct ThresholdProposal: Sendable, Equatable {
    /// Answer when confidence ≥ threshold; `nil` when no threshold lets the specialist answer
    /// anything within the target (leave the cluster off).
    public var threshold: Double?
    public var point: CoveragePoint
    /// The error target it was chosen for (a share of the cluster's traffic).
    public var target: Double
    /// Replayed exchanges the proposal rests on, and wrong answers among them at the threshold.
    public var sample: Int
    public var sampleErrors: Int
    /// 95% Wilson upper bound of the error rate given the sample: small samples cannot prove
    /// a 1% target, and the report says so.
    public var errorUpperBound: Double

    public static func propose(_ verdicts: [Verdict], target: Double = 0.01) -> ThresholdProposal {
        let curve = CoveragePoint.curve(verdicts)
        let chosen = curve.first { $0.error <= target + 1e-12 } ?? curve.last ?? CoveragePoint.at(1.1, verdicts)
        let useful = chosen.coverage > 0
        let threshold = useful ? chosen.threshold : nil
        let errors = threshold.map { t in
            verdicts.filter { $0.answered && !$0.correct && ($0.confidence ?? 0) >= t }.count
        } ?? 0
        return ThresholdProposal(
            threshold: threshold, point: chosen, target: target, sample: verdicts.count, sampleErrors: errors,
            errorUpperBound: wilsonUpperBound(errors: errors, trials: verdicts.count))
    }

    /// Upper end of the 95% Wilson score interval for `errors` out of `trials`.
    public static func wilsonUpperBound(errors: Int, trials: Int, z: Double = 1.96) -> Double {
        guard trials > 0 else { return 1 }
        let n = Double(trials)
        let p = Double(errors) / n
        let z2 = z * z
        let center = p + z2 / (2 * n)
        let spread = z * ((p * (1 - p) + z2 / (4 * n)) / n).squareRoot()
        return min(1, (center + spread) / (1 + z2 / n))
    }
}
