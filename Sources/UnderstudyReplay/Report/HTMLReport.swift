import Foundation
import UnderstudyArchive

/// `report/index.html`: one self-contained page (inline CSS and SVG, no script, no external
/// asset) that answers "which calls can leave the big model, and at what risk".
enum HTMLReport {
    static func render(_ coverage: RunCoverage, context: ReportContext) -> String {
        let overall = coverage.overallAtProposed
        let p = SVGCharts.percent
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Understudy coverage report · \(HTMLText.escape(coverage.run))</title>
            <style>\(css)</style></head><body>
            <header><h1>Coverage report <span class="run">\(HTMLText.escape(coverage.run))</span></h1>
            <p class="meta">Generated \(HTMLText.escape(context.generated)) · specialists: \(HTMLText.escape(context.target)) · \(coverage.verdicts.count) recorded exchanges replayed · error target \(p(coverage.target, 1)) of each cluster's traffic</p>

            """
        for note in context.notes { html += "<p class=\"note\">\(HTMLText.escape(note))</p>\n" }
        html += "</header>\n<section class=\"cards\" id=\"summary\">\n"
        html += card("Traffic covered", p(overall.coverage, 1), "of recorded calls answered right by specialists at the proposed thresholds")
        html += card("By cost", p(overall.coverageByCost, 1), "of recorded upstream cost")
        html += card("Error share", p(overall.error, 2), "of calls a specialist would answer wrongly", bad: overall.error > coverage.target)
        if let s = coverage.savings {
            html += card("Estimated savings", SVGCharts.money(s.net), "net, over the recorded traffic (\(SVGCharts.money(s.recordedCost)) recorded)")
        } else {
            html += card("Estimated savings", "n/a", "no recorded cost or prices known")
        }
        let agreements = coverage.clusters.compactMap(\.selfAgreement)
        if !agreements.isEmpty {
            let calls = agreements.reduce(0) { $0 + $1.calls }
            let rate = agreements.reduce(0.0) { $0 + $1.rate * Double($1.calls) } / Double(max(1, calls))
            html += card("Big-model self-agreement", p(rate, 1), "on \(calls) calls recorded more than once: the noise floor")
        }
        html += "</section>\n<section class=\"charts\">\n"
        html += figure("Coverage vs error", SVGCharts.coverageCurve(coverage.overallCurve, proposed: overall, target: coverage.target),
                       "Each point is one global confidence threshold; the dot is the per-cluster proposal.")
        html += figure("Per-cluster outcome", SVGCharts.clusterBars(coverage.clusters), "At each cluster's proposed threshold; the number is the share answered right.")
        html += figure("Latency", SVGCharts.latencyHistogram(coverage.clusters.flatMap(\.latencies)), "Wall time per specialist answer.")
        html += figure("Savings", SVGCharts.savingsBars(coverage.clusters, total: coverage.savings),
                       "Upstream cost saved by right answers, less specialist compute at \(SVGCharts.money(coverage.prices.cpuHour))/CPU-hour.")
        html += "</section>\n"
        if let drift = context.drift { html += driftSection(drift) }
        html += clusterTable(coverage)
        html += "<section id=\"details\"><h2>Clusters in detail</h2>\n"
        for cluster in coverage.clusters { html += clusterDetail(cluster) }
        html += "</section>\n" + methodSection(coverage) + "</body></html>\n"
        return html
    }

    static func card(_ title: String, _ value: String, _ caption: String, bad: Bool = false) -> String {
        "<div class=\"card\(bad ? " bad" : "")\"><div class=\"card-title\">\(HTMLText.escape(title))</div><div class=\"card-value\">\(HTMLText.escape(value))</div><div class=\"card-caption\">\(HTMLText.escape(caption))</div></div>\n"
    }

    static func figure(_ title: String, _ svg: String, _ caption: String) -> String {
        "<figure class=\"chart\"><h2>\(HTMLText.escape(title))</h2>\(svg)<figcaption>\(HTMLText.escape(caption))</figcaption></figure>\n"
    }

    static func clusterTable(_ coverage: RunCoverage) -> String {
        let p = SVGCharts.percent
        var html = """
            <section id="clusters"><h2>Clusters</h2><table class="clusters"><thead><tr>
            <th>cluster</th><th>traffic</th><th>cost</th><th>specialist</th><th>replayed</th><th>accuracy</th>
            <th>self-agreement</th><th>threshold</th><th>coverage</th><th>error (95% bound)</th><th>p50 ms</th><th>net savings</th>
            </tr></thead><tbody>

            """
        for c in coverage.clusters {
            let t = c.proposal.threshold
            let agreement = c.selfAgreement.map { p($0.rate, 1) } ?? "–"
            let latency = ClusterCoverage.quantile(c.latencies, 0.5).map { String(format: "%.1f", $0) } ?? "–"
            html += "<tr class=\"\(c.hasSpecialist ? "" : "uncovered")\"><td><b>\(HTMLText.escape(c.id))</b><br><small>\(HTMLText.escape(c.label))</small></td>"
            html += "<td>\(p(c.trafficShare, 1))</td><td>\(p(c.costShare, 1))</td>"
            html += "<td>\(c.hasSpecialist ? "yes" : "<span class=\"tag\">not covered</span>")</td>"
            html += "<td>\(c.verdicts.count)</td><td>\(c.hasSpecialist ? p(c.accuracy, 1) : "–")</td><td>\(agreement)</td>"
            html += "<td>\(t.map { String(format: "%.3f", $0) } ?? "off")</td>"
            html += "<td>\(t == nil ? "0%" : p(c.proposal.point.coverage, 1))</td>"
            html += "<td>\(t == nil ? "–" : p(c.proposal.point.error, 1) + " (≤ " + p(c.proposal.errorUpperBound, 0) + ")")</td>"
            html += "<td>\(latency)</td><td>\(c.savings.map { SVGCharts.money($0.net) } ?? "–")</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    static func clusterDetail(_ c: ClusterCoverage) -> String {
        var html = "<article class=\"cluster\" id=\"cluster-\(HTMLText.escape(c.id))\"><h3>\(HTMLText.escape(c.id)) · \(HTMLText.escape(c.label))</h3>\n"
        let counts = Verdict.Status.allCases.map { "\($0.rawValue.replacingOccurrences(of: "_", with: " ")) \(c.weight($0))" }
        html += "<p class=\"meta\">\(counts.joined(separator: " · ")) (recorded calls)</p>\n"
        if !c.hasSpecialist {
            html += "<p>No specialist was trained for this cluster: its traffic stays on the big model.</p></article>\n"
            return html
        }
        let mismatches = c.verdicts.filter { $0.status == .mismatch }.sorted { ($0.confidence ?? 0) > ($1.confidence ?? 0) }
        let errors = c.verdicts.filter { $0.status == .error }
        if mismatches.isEmpty && errors.isEmpty {
            html += "<p>Every replayed exchange was answered as recorded.</p>\n"
        }
        if !mismatches.isEmpty {
            html += "<table class=\"examples\"><thead><tr><th>request (anonymized)</th><th>recorded</th><th>specialist</th><th>why</th></tr></thead><tbody>\n"
            for v in mismatches.prefix(3) {
                html += "<tr><td>\(HTMLText.escape(v.excerpt))</td><td><code>\(HTMLText.escape(short(v.expected)))</code></td>"
                html += "<td><code>\(HTMLText.escape(v.answer.map(short) ?? "–"))</code><br><small>confidence \(String(format: "%.3f", v.confidence ?? 0))</small></td>"
                html += "<td>\(HTMLText.escape(v.reason))</td></tr>\n"
            }
            html += "</tbody></table>\n"
        }
        if !errors.isEmpty {
            var reasons: [String: Int] = [:]
            for e in errors { reasons[e.reason, default: 0] += 1 }
            html += "<p class=\"errors\">No usable answer for \(errors.count) exchanges (sent upstream): "
            html += reasons.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3).map { "\(HTMLText.escape($0.key)) (×\($0.value))" }.joined(separator: "; ")
            html += "</p>\n"
        }
        return html + "</article>\n"
    }

    static func short(_ value: JSONValue) -> String {
        let text = value.serialized()
        return text.count <= 300 ? text : String(text.prefix(300)) + "…"
    }

    static func driftSection(_ d: Drift) -> String {
        let p = SVGCharts.percent
        var html = "<section id=\"drift\"><h2>Drift on \(HTMLText.escape(d.source))</h2>\n"
        html += "<p>\(d.newCalls) new calls · \(p(d.unmatchedShare, 1)) matched no cluster (new tasks: distill again) · coverage at the run's thresholds \(p(d.baselineOverall.coverage, 1)) → \(p(d.newOverall.coverage, 1)), error \(p(d.baselineOverall.error, 2)) → \(p(d.newOverall.error, 2))</p>\n"
        html += "<table><thead><tr><th>cluster</th><th>traffic then → now</th><th>coverage then → now</th><th>error then → now</th><th>new sample</th></tr></thead><tbody>\n"
        for r in d.rows {
            let delta = r.newCoverage - r.baselineCoverage
            html += "<tr><td>\(HTMLText.escape(r.cluster))</td><td>\(p(r.baselineShare, 1)) → \(p(r.newShare, 1))</td>"
            html += "<td class=\"\(delta < -0.05 ? "worse" : "")\">\(p(r.baselineCoverage, 1)) → \(p(r.newCoverage, 1))</td>"
            html += "<td>\(p(r.baselineError, 1)) → \(p(r.newError, 1))</td><td>\(r.newSample)</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    static func methodSection(_ coverage: RunCoverage) -> String {
        """
        <section id="method"><h2>How to read this</h2><ul>
        <li><b>Coverage</b>: share of recorded traffic a specialist answers as the big model did, when it answers only at or above its cluster's confidence threshold (confidence = probability of its least likely token). Clusters are weighted by their share of all recorded calls (or cost); unclustered calls (\(SVGCharts.percent(coverage.noiseShare, 1))) stay upstream.</li>
        <li><b>Error share</b>: traffic it would have answered wrongly. The proposed threshold is the lowest that keeps a cluster's error at or under \(SVGCharts.percent(coverage.target, 1)); the 95% bound says how sure the replayed sample makes that.</li>
        <li><b>Comparators</b>: tool calls as BFCL's AST checker (name, typed arguments, numbers by value, strings case- and punctuation-normalized, parallel calls in any order, missing or extra arguments wrong); JSON answers by value; free text by embedding cosine and ROUGE-L; short answers exactly. An answer the big model itself gave to a duplicate of the request counts as right.</li>
        <li><b>Self-agreement</b>: how often the big model gave the same answer to the same request: a specialist cannot be expected to agree with it more often.</li>
        </ul></section>

        """
    }

    static let css = """
        body{font:14px/1.45 -apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#2b313b;margin:0 auto;max-width:1180px;padding:24px;background:#fff}
        h1{font-size:26px;margin:0 0 4px}h1 .run{color:#3a6fd8}h2{font-size:18px;margin:24px 0 8px}h3{font-size:15px;margin:16px 0 4px}
        .meta{color:#5b6573;margin:2px 0}.note{background:#fff6e0;border-left:4px solid #e08a1e;padding:6px 10px;margin:6px 0}
        .cards{display:flex;flex-wrap:wrap;gap:12px;margin:18px 0}.card{flex:1 1 180px;border:1px solid #dde2e8;border-radius:8px;padding:12px 14px;background:#f7f9fb}
        .card-title{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#5b6573}.card-value{font-size:28px;font-weight:700;color:#2e9d5b}
        .card.bad .card-value{color:#d64541}.card-caption{font-size:12px;color:#5b6573}
        .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:16px}.chart{margin:0;border:1px solid #dde2e8;border-radius:8px;padding:8px 12px}
        .chart svg{max-width:100%;height:auto}figcaption{font-size:12px;color:#5b6573}
        table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #e6e9ee;padding:5px 8px;text-align:left;vertical-align:top}
        th{background:#f0f3f7;font-weight:600}tr.uncovered td{color:#8a93a0}.tag{background:#5b6573;color:#fff;border-radius:4px;padding:1px 6px;font-size:11px}
        code{font:12px/1.3 "DejaVu Sans Mono",monospace;word-break:break-all}.examples td{max-width:320px}.errors{color:#d64541}.worse{color:#d64541;font-weight:600}
        article.cluster{border-top:1px solid #e6e9ee;padding-top:4px}
        """
}
