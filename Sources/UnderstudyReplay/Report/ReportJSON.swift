import Foundation
import UnderstudyArchive

/// `report.json` and `replay/thresholds.json`: the numbers of the report for programs
/// (`serve` reads the thresholds; CI can gate on coverage).
enum ReportJSON {
    static func number(_ x: Double, digits: Double = 1_000_000) -> JSONValue {
        x.isFinite ? .double((x * digits).rounded() / digits) : .null
    }

    static func point(_ p: CoveragePoint) -> JSONValue {
        var out: JSONValue = [
            "coverage": number(p.coverage), "error": number(p.error),
            "coverage_by_cost": number(p.coverageByCost), "error_by_cost": number(p.errorByCost),
        ]
        if p.threshold.isFinite { out.set("threshold", number(p.threshold)) }
        return out
    }

    static func savings(_ s: Savings?) -> JSONValue {
        guard let s else { return .null }
        return [
            "recorded_cost": number(s.recordedCost), "upstream_saved": number(s.upstreamSaved),
            "compute_cost": s.computeCost.map { number($0) } ?? .null, "net": number(s.net),
        ]
    }

    static func report(_ coverage: RunCoverage, context: ReportContext) -> JSONValue {
        var clusters: [JSONValue] = []
        for c in coverage.clusters {
            let latencies = c.latencies
            var entry: JSONValue = [
                "id": .string(c.id), "label": .string(c.label), "traffic_share": number(c.trafficShare),
                "cost_share": number(c.costShare), "specialist": .bool(c.hasSpecialist), "replayed": .int(c.verdicts.count),
                "calls": .int(c.totalWeight), "match": .int(c.weight(.match)), "mismatch": .int(c.weight(.mismatch)),
                "error": .int(c.weight(.error)), "no_specialist": .int(c.weight(.noSpecialist)),
                "accuracy": number(c.accuracy),
            ]
            if let agreement = c.selfAgreement {
                entry.set("self_agreement", ["rate": number(agreement.rate), "calls": .int(agreement.calls),
                                             "specialist_accuracy": c.accuracyOnDuplicated.map { number($0) } ?? .null])
            }
            entry.set("proposed", [
                "threshold": c.proposal.threshold.map { number($0) } ?? .null, "at_threshold": point(c.proposal.point),
                "target_error": number(c.proposal.target), "sample_errors": .int(c.proposal.sampleErrors),
                "error_upper_bound_95": number(c.proposal.errorUpperBound),
            ])
            entry.set("latency_ms", [
                "p50": ClusterCoverage.quantile(latencies, 0.5).map { number($0, digits: 1000) } ?? .null,
                "p90": ClusterCoverage.quantile(latencies, 0.9).map { number($0, digits: 1000) } ?? .null,
                "p99": ClusterCoverage.quantile(latencies, 0.99).map { number($0, digits: 1000) } ?? .null,
            ])
            entry.set("savings", savings(c.savings))
            entry.set("curve", .array(c.curve.map(point)))
            clusters.append(entry)
        }
        var root: JSONValue = [
            "format": 1, "run": .string(coverage.run), "generated": .string(context.generated),
            "target": .string(context.target), "target_error": number(coverage.target),
            "noise_share": number(coverage.noiseShare), "replayed": .int(coverage.verdicts.count),
            "overall": point(coverage.overallAtProposed), "savings": savings(coverage.savings),
            "cpu_hour_price": number(coverage.prices.cpuHour),
            "curve": .array(coverage.overallCurve.map(point)), "clusters": .array(clusters),
        ]
        if let drift = context.drift { root.set("drift", self.drift(drift)) }
        return root
    }

    static func drift(_ d: Drift) -> JSONValue {
        [
            "source": .string(d.source), "new_calls": .int(d.newCalls), "unmatched_share": number(d.unmatchedShare),
            "baseline": point(d.baselineOverall), "current": point(d.newOverall),
            "clusters": .array(d.rows.map { r in
                [
                    "id": .string(r.cluster), "baseline_share": number(r.baselineShare), "new_share": number(r.newShare),
                    "baseline_coverage": number(r.baselineCoverage), "new_coverage": number(r.newCoverage),
                    "baseline_error": number(r.baselineError), "new_error": number(r.newError),
                    "new_sample": .int(r.newSample),
                ]
            }),
        ]
    }

    /// `replay/thresholds.json`: per cluster the confidence threshold serving should answer at.
    static func thresholds(_ coverage: RunCoverage, generated: String) -> JSONValue {
        [
            "format": 1, "run": .string(coverage.run), "generated": .string(generated),
            "target_error": number(coverage.target),
            "confidence": "exp(minimum token log-probability) of the answer; answer when confidence >= threshold",
            "clusters": .array(coverage.clusters.map { c in
                let t = c.proposal.threshold
                return [
                    "cluster": .string(c.id), "specialist": .bool(c.hasSpecialist),
                    "threshold": t.map { number($0) } ?? .null,
                    "min_logprob": t.map { number($0 > 0 ? log($0) : -1e9) } ?? .null,
                    "coverage": number(t == nil ? 0 : c.proposal.point.coverage),
                    "error": number(t == nil ? 0 : c.proposal.point.error),
                    "sample": .int(c.proposal.sample), "error_upper_bound_95": number(c.proposal.errorUpperBound),
                ]
            }),
        ]
    }
}
