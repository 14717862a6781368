import Foundation

/// `report/report.md`: the report's numbers as text, for terminals, pull requests and diffs.
enum MarkdownReport {
    static func render(_ coverage: RunCoverage, context: ReportContext) -> String {
        let p = SVGCharts.percent
        let overall = coverage.overallAtProposed
        var md = "# Coverage report: \(coverage.run)\n\n"
        md += "Generated \(context.generated) · specialists: \(context.target) · \(coverage.verdicts.count) exchanges replayed · "
        md += "error target \(p(coverage.target, 1)) per cluster\n\n"
        for note in context.notes { md += "> \(note)\n\n" }
        md += "- **Traffic covered** at the proposed thresholds: \(p(overall.coverage, 1)) of calls, \(p(overall.coverageByCost, 1)) of cost\n"
        md += "- **Error share**: \(p(overall.error, 2)) of calls (\(p(overall.errorByCost, 2)) of cost)\n"
        if let s = coverage.savings {
            md += "- **Estimated savings** over the recorded traffic: \(SVGCharts.money(s.net)) net of \(SVGCharts.money(s.recordedCost)) recorded"
            md += " (saved upstream \(SVGCharts.money(s.upstreamSaved)), specialist compute \(s.computeCost.map(SVGCharts.money) ?? "not measured"))\n"
        }
        md += "- Unclustered traffic (stays upstream): \(p(coverage.noiseShare, 1))\n\n"
        md += "| cluster | label | traffic | specialist | replayed | accuracy | self-agreement | threshold | coverage | error (95% bound) |\n"
        md += "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
        for c in coverage.clusters {
            let t = c.proposal.threshold
            md += "| \(c.id) | \(c.label.replacingOccurrences(of: "|", with: "/")) | \(p(c.trafficShare, 1)) | \(c.hasSpecialist ? "yes" : "not covered") "
            md += "| \(c.verdicts.count) | \(c.hasSpecialist ? p(c.accuracy, 1) : "–") | \(c.selfAgreement.map { p($0.rate, 1) } ?? "–") "
            md += "| \(t.map { String(format: "%.3f", $0) } ?? "off") | \(t == nil ? "0%" : p(c.proposal.point.coverage, 1)) "
            md += "| \(t == nil ? "–" : p(c.proposal.point.error, 1) + " (≤ " + p(c.proposal.errorUpperBound, 0) + ")") |\n"
        }
        if let d = context.drift {
            md += "\n## Drift on \(d.source)\n\n\(d.newCalls) new calls; \(p(d.unmatchedShare, 1)) matched no cluster. "
            md += "Coverage at the run's thresholds \(p(d.baselineOverall.coverage, 1)) → \(p(d.newOverall.coverage, 1)).\n\n"
            md += "| cluster | traffic then → now | coverage then → now | error then → now |\n| --- | --- | --- | --- |\n"
            for r in d.rows {
                md += "| \(r.cluster) | \(p(r.baselineShare, 1)) → \(p(r.newShare, 1)) | \(p(r.baselineCoverage, 1)) → \(p(r.newCoverage, 1)) | \(p(r.baselineError, 1)) → \(p(r.newError, 1)) |\n"
            }
        }
        md += "\n## Mismatches\n"
        for c in coverage.clusters where c.hasSpecialist {
            let mismatches = c.verdicts.filter { $0.status == .mismatch }.prefix(3)
            guard !mismatches.isEmpty else { continue }
            md += "\n### \(c.id)\n\n"
            for v in mismatches {
                md += "- `\(v.id)`: \(v.reason)\n"
            }
        }
        return md
    }
}
