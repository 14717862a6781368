/// Coverage and error at one confidence threshold: the share of traffic the specialist would
/// answer correctly (coverage) and wrongly (error) if it answered every request whose
/// confidence is at or above `threshold` and sent the rest upstream. Shares are of all the
/// traffic considered, by recorded calls and by recorded cost.
public struct CoveragePoint: Sendable, Equatable {
    public var threshold: Double
    public var coverage: Double
    public var error: Double
    public var coverageByCost: Double
    public var errorByCost: Double

    public init(threshold: Double, coverage: Double, error: Double, coverageByCost: Double, errorByCost: Double) {
        self.threshold = threshold
        self.coverage = coverage
        self.error = error
        self.coverageByCost = coverageByCost
        self.errorByCost = errorByCost
    }

    /// Computes the point over `verdicts`, each weighted by its recorded calls and its cost.
    /// When no verdict has a cost, cost shares equal count shares.
    public static func at(_ threshold: Double, _ verdicts: [Verdict]) -> CoveragePoint {
        var total = 0.0, covered = 0.0, wrong = 0.0
        var totalCost = 0.0, coveredCost = 0.0, wrongCost = 0.0
        for verdict in verdicts {
            let w = Double(verdict.weight)
            let c = verdict.cost ?? 0
            total += w
            totalCost += c
            guard verdict.answered, (verdict.confidence ?? 0) >= threshold else { continue }
            if verdict.correct {
                covered += w
                coveredCost += c
            } else {
                wrong += w
                wrongCost += c
            }
        }
        guard total > 0 else { return CoveragePoint(threshold: threshold, coverage: 0, error: 0, coverageByCost: 0, errorByCost: 0) }
        let coverage = covered / total
        let error = wrong / total
        guard totalCost > 0 else {
            return CoveragePoint(threshold: threshold, coverage: coverage, error: error, coverageByCost: coverage, errorByCost: error)
        }
        return CoveragePoint(
            threshold: threshold, coverage: coverage, error: error, coverageByCost: coveredCost / totalCost,
            errorByCost: wrongCost / totalCost)
    }

    /// The curve over every threshold that changes it: each distinct confidence of an answer,
    /// ascending, then one above all of them (nothing answered).
    public static func curve(_ verdicts: [Verdict]) -> [CoveragePoint] {
        let confidences = Set(verdicts.filter(\.answered).compactMap(\.confidence)).sorted()
        var thresholds = [0.0] + confidences.filter { $0 > 0 }
        thresholds.append((confidences.last ?? 1).nextUp)
        return thresholds.map { at($0, verdicts) }
    }
}
