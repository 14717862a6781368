import Foundation

/// The report's charts as inline SVG: no script, no external asset, readable when printed.
enum SVGCharts {
    static let green = "#2e9d5b", red = "#d64541", grey = "#c9ced6", dark = "#5b6573", blue = "#3a6fd8",
        orange = "#e08a1e"

    static func f(_ x: Double) -> String { String(format: "%.1f", x) }
    static func percent(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f%%", x * 100) }

    /// Coverage (y) against error share (x) over all thresholds, by calls and by cost, with
    /// the error target and the point reached with the proposed per-cluster thresholds.
    static func coverageCurve(_ curve: [CoveragePoint], proposed: CoveragePoint, target: Double) -> String {
        let w = 460.0, h = 300.0, left = 56.0, bottom = 44.0, top = 16.0, right = 16.0
        let maxError = max(0.05, (curve.map { max($0.error, $0.errorByCost) }.max() ?? 0) * 1.1, target * 2)
        func x(_ e: Double) -> Double { left + e / maxError * (w - left - right) }
        func y(_ c: Double) -> Double { h - bottom - c * (h - bottom - top) }
        var svg = header(w, h, "Coverage against error share over confidence thresholds")
        svg += grid(left: left, right: w - right, top: top, bottom: h - bottom, yTicks: 5) { y(Double($0) / 5) }
        for i in 0...4 {
            let e = maxError * Double(i) / 4
            svg += text(x(e), h - bottom + 16, percent(e), anchor: "middle")
        }
        for i in 0...5 { svg += text(left - 6, y(Double(i) / 5) + 4, percent(Double(i) / 5, 0), anchor: "end") }
        svg += "<line x1=\"\(f(x(target)))\" y1=\"\(f(top))\" x2=\"\(f(x(target)))\" y2=\"\(f(h - bottom))\" stroke=\"\(red)\" stroke-dasharray=\"4 3\"/>"
        svg += text(x(target) + 4, top + 12, "target \(percent(target))", fill: red)
        for (series, color) in [(curve.map { ($0.error, $0.coverage) }, blue), (curve.map { ($0.errorByCost, $0.coverageByCost) }, orange)] {
            let points = series.sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                .map { "\(f(x($0.0))),\(f(y($0.1)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2.5\" points=\"\(points)\"/>"
        }
        svg += "<circle cx=\"\(f(x(proposed.error)))\" cy=\"\(f(y(proposed.coverage)))\" r=\"6\" fill=\"\(green)\" stroke=\"#fff\" stroke-width=\"2\"/>"
        svg += legend([(blue, "by calls"), (orange, "by cost"), (green, "proposed thresholds")], x: left + 10, y: h - 8)
        svg += text(w - right - 4, h - bottom - 6, "error share →", anchor: "end", fill: dark, size: 11)
        return svg + "</svg>"
    }

    /// Per cluster, at its proposed threshold: answered right, answered wrong, sent upstream
    /// (low confidence or failed), and no specialist.
    static func clusterBars(_ clusters: [ClusterCoverage]) -> String {
        let rowHeight = 26.0, left = 170.0, w = 640.0, right = 60.0
        let h = Double(max(1, clusters.count)) * rowHeight + 52
        var svg = header(w, h, "Per-cluster outcome at the proposed threshold")
        for (i, c) in clusters.enumerated() {
            let y = 10 + Double(i) * rowHeight
            let total = Double(max(1, c.totalWeight))
            let p = c.proposal
            let right_ = c.proposal.threshold == nil ? 0 : p.point.coverage
            let wrong = c.proposal.threshold == nil ? 0 : p.point.error
            let none = c.hasSpecialist ? 0 : Double(c.weight(.noSpecialist)) / total
            let upstream = max(0, 1 - right_ - wrong - none)
            svg += text(left - 8, y + 15, truncate(c.id + " · " + c.label, 26), anchor: "end")
            var x = left
            let span = w - left - right
            for (share, color) in [(right_, green), (wrong, red), (upstream, grey), (none, dark)] where share > 0 {
                svg += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(share * span))\" height=\"\(f(rowHeight - 8))\" fill=\"\(color)\"/>"
                x += share * span
            }
            svg += text(w - right + 6, y + 15, percent(right_, 0))
        }
        svg += legend([(green, "answered right"), (red, "answered wrong"), (grey, "upstream"), (dark, "no specialist")],
                      x: left, y: h - 10)
        return svg + "</svg>"
    }

    static let latencyBuckets: [Double] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]

    /// Histogram of specialist latencies on log-spaced buckets.
    static func latencyHistogram(_ latencies: [Double]) -> String {
        let w = 460.0, h = 240.0, left = 44.0, bottom = 40.0, top = 14.0
        var counts = [Int](repeating: 0, count: latencyBuckets.count + 1)
        for l in latencies { counts[latencyBuckets.firstIndex { l < $0 } ?? latencyBuckets.count] += 1 }
        let peak = Double(max(1, counts.max() ?? 1))
        let barWidth = (w - left - 10) / Double(counts.count)
        var svg = header(w, h, "Specialist latency distribution (ms)")
        svg += grid(left: left, right: w - 10, top: top, bottom: h - bottom, yTicks: 4) { h - bottom - Double($0) / 4 * (h - bottom - top) }
        for i in 0...4 { svg += text(left - 6, h - bottom - Double(i) / 4 * (h - bottom - top) + 4, "\(Int((peak * Double(i) / 4).rounded()))", anchor: "end") }
        for (i, count) in counts.enumerated() {
            let height = Double(count) / peak * (h - bottom - top)
            let x = left + Double(i) * barWidth
            svg += "<rect x=\"\(f(x + 2))\" y=\"\(f(h - bottom - height))\" width=\"\(f(barWidth - 4))\" height=\"\(f(height))\" fill=\"\(blue)\"/>"
            let label = i < latencyBuckets.count ? "<\(Int(latencyBuckets[i]))" : "≥\(Int(latencyBuckets.last!))"
            svg += text(x + barWidth / 2, h - bottom + 14, label, anchor: "middle", size: 10)
        }
        if latencies.isEmpty { svg += text(w / 2, h / 2, "no answers timed", anchor: "middle", fill: dark) }
        svg += text(w / 2, h - 8, "milliseconds per answer", anchor: "middle", fill: dark)
        return svg + "</svg>"
    }

    /// Recorded cost, upstream cost saved and specialist compute, per cluster and in total.
    static func savingsBars(_ clusters: [ClusterCoverage], total: Savings?) -> String {
        let rows = clusters.filter { $0.savings != nil }
        let rowHeight = 34.0, left = 170.0, w = 640.0, right = 110.0
        let h = Double(max(1, rows.count + 1)) * rowHeight + 44
        let peak = max(1e-12, rows.map { $0.savings!.recordedCost }.max() ?? 0, total?.recordedCost ?? 0)
        var svg = header(w, h, "Recorded cost and estimated savings")
        let span = w - left - right
        var all = rows.map { ($0.id, $0.savings!) }
        if let total { all.append(("all clusters", total)) }
        for (i, (name, s)) in all.enumerated() {
            let y = 10 + Double(i) * rowHeight
            svg += text(left - 8, y + 14, truncate(name, 24), anchor: "end", weight: name == "all clusters" ? "bold" : "normal")
            svg += "<rect x=\"\(f(left))\" y=\"\(f(y))\" width=\"\(f(s.recordedCost / peak * span))\" height=\"11\" fill=\"\(grey)\"/>"
            svg += "<rect x=\"\(f(left))\" y=\"\(f(y + 12))\" width=\"\(f(s.upstreamSaved / peak * span))\" height=\"11\" fill=\"\(green)\"/>"
            if let compute = s.computeCost, compute > 0 {
                svg += "<rect x=\"\(f(left))\" y=\"\(f(y + 24))\" width=\"\(f(max(1, compute / peak * span)))\" height=\"5\" fill=\"\(red)\"/>"
            }
            svg += text(w - right + 6, y + 18, "net " + money(s.net))
        }
        if all.isEmpty { svg += text(w / 2, 30, "no recorded cost known", anchor: "middle", fill: dark) }
        svg += legend([(grey, "recorded cost"), (green, "saved upstream"), (red, "specialist compute")], x: left, y: h - 10)
        return svg + "</svg>"
    }

    static func money(_ x: Double) -> String {
        if abs(x) >= 100 { return String(format: "$%.0f", x) }
        if abs(x) >= 1 { return String(format: "$%.2f", x) }
        return String(format: "$%.4f", x)
    }

    // MARK: pieces

    static func header(_ w: Double, _ h: Double, _ title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(w)) \(f(h))\" width=\"\(f(w))\" height=\"\(f(h))\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\"><title>\(HTMLText.escape(title))</title>"
    }

    static func grid(left: Double, right: Double, top: Double, bottom: Double, yTicks: Int, y: (Int) -> Double) -> String {
        var out = ""
        for i in 0...yTicks {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y(i)))\" x2=\"\(f(right))\" y2=\"\(f(y(i)))\" stroke=\"#e6e9ee\"/>"
        }
        out += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(bottom))\" stroke=\"#8a93a0\"/>"
        out += "<line x1=\"\(f(left))\" y1=\"\(f(bottom))\" x2=\"\(f(right))\" y2=\"\(f(bottom))\" stroke=\"#8a93a0\"/>"
        return out
    }

    static func text(
        _ x: Double, _ y: Double, _ s: String, anchor: String = "start", fill: String = "#2b313b", size: Int = 12,
        weight: String = "normal"
    ) -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\" font-weight=\"\(weight)\" fill=\"\(fill)\">\(HTMLText.escape(s))</text>"
    }

    static func legend(_ items: [(String, String)], x: Double, y: Double) -> String {
        var out = ""
        var cursor = x
        for (color, label) in items {
            out += "<rect x=\"\(f(cursor))\" y=\"\(f(y - 10))\" width=\"12\" height=\"12\" fill=\"\(color)\"/>"
            out += text(cursor + 16, y, label, size: 11)
            cursor += 16 + Double(label.count) * 6.5 + 14
        }
        return out
    }

    static func truncate(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }
}
