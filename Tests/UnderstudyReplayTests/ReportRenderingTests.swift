import Foundation
import Testing
import UnderstudyArchive
import UnderstudyReplay
import UnderstudyTestSupport

/// The coverage report as a user sees it: `report/index.html` rendered by headless Chromium
/// (Debian package, installed by tools/setup) into a PNG whose pixels must show a page with
/// text, the charts' colours and the cluster table, not a blank or broken page.
struct ReportRenderingTests {
    struct Stats: Decodable {
        var width: Int
        var height: Int
        var ink: Double
        var inked_rows: Double
        var colors: Int
        var near: [String: Int]

        /// Text, cards and the four charts (blue latency bars and curve, green coverage bars).
        var looksRendered: Bool {
            ink > 0.03 && inked_rows > 0.3 && colors >= 16 && (near["#3a6fd8"] ?? 0) > 400 && (near["#2e9d5b"] ?? 0) > 400
        }
    }

    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// A report with two clusters (one without a specialist), latencies, costs and mismatches.
    static func writeReport(to directory: URL) throws {
        var verdicts: [Verdict] = []
        for i in 0..<40 {
            let right = i % 10 != 0
            verdicts.append(Verdict(
                id: "o\(i)", cluster: "c000", cost: 0.002, status: right ? .match : .mismatch, comparator: .toolCalls,
                reason: right ? "same tool calls" : "lookup_order: order_id differs", confidence: right ? 0.95 : 0.4,
                latencyMilliseconds: Double(3 + i % 17), cpuSeconds: 0.004, excerpt: "Where is order A\(1000 + i)?",
                expected: ["content": .null, "tool_calls": [["name": "lookup_order", "arguments": ["order_id": .string("A\(1000 + i)")]]]],
                answer: ["content": .null, "tool_calls": [["name": "lookup_order", "arguments": ["order_id": "A0"]]]]))
        }
        for i in 0..<10 {
            verdicts.append(Verdict(id: "w\(i)", cluster: "c001", cost: 0.001, status: .noSpecialist, comparator: .text,
                                    reason: "no specialist for this cluster"))
        }
        let coverage = RunCoverage(
            run: "render", clusters: [
                .init(id: "c000", label: "order lookups", trafficShare: 0.7, costShare: 0.75, count: 400, cost: 0.8, hasSpecialist: true),
                .init(id: "c001", label: "weather", trafficShare: 0.2, costShare: 0.25, count: 100, cost: 0.1, hasSpecialist: false),
            ], noiseShare: 0.1, verdicts: verdicts)
        try ReportWriter.write(coverage, context: ReportContext(generated: "2026-01-01T00:00:00Z", target: "in-process"), to: directory)
    }

    func render(_ page: URL, in work: URL) throws -> Stats {
        let chromium = try #require(Self.chromium, "chromium is missing: run tools/setup (Debian package chromium)")
        let png = work.appendingPathComponent(page.deletingPathExtension().lastPathComponent + ".png")
        let result = try ProcessRunner.run(
            URL(fileURLWithPath: chromium),
            ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--hide-scrollbars", "--user-data-dir=\(work.appendingPathComponent("profile").path)",
             "--window-size=1280,1800", "--screenshot=\(png.path)", page.absoluteString], timeout: 120)
        try #require(FileManager.default.fileExists(atPath: png.path),
                     "chromium wrote no screenshot (status \(result.status)): \(result.stderr.suffix(2000))")
        let script = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/UnderstudyReplayTests/Fixtures/png_stats.py")
        let stats = try ProcessRunner.run(TestEnvironment.python, [script.path, png.path, "#3a6fd8", "#2e9d5b"], timeout: 60)
        return try #require(try? JSONDecoder().decode(Stats.self, from: Data(stats.stdout.utf8)),
                            "png_stats failed: \(stats.stderr.suffix(1000))")
    }

    @Test func reportRendersInHeadlessChromium() throws {
        let work = try TestEnvironment.temporaryDirectory("report-render")
        defer { try? FileManager.default.removeItem(at: work) }
        let report = work.appendingPathComponent("report")
        try Self.writeReport(to: report)
        let page = report.appendingPathComponent("index.html")
        let rendered = try render(page, in: work)
        #expect(rendered.width == 1280)
        #expect(rendered.looksRendered, "the report looks blank or broken: \(rendered)")

        // The check itself tells a blank page and a report whose charts broke from the real one.
        let blank = work.appendingPathComponent("blank.html")
        try Data("<!doctype html><html><body></body></html>".utf8).write(to: blank)
        let blankStats = try render(blank, in: work)
        #expect(!blankStats.looksRendered, "\(blankStats)")
        let html = try String(contentsOf: page, encoding: .utf8)
        let broken = work.appendingPathComponent("broken.html")
        let cut = html.range(of: "<section class=\"charts\">").map { String(html[..<$0.lowerBound]) } ?? html
        try Data((cut + "<svg><rect").utf8).write(to: broken)
        let brokenStats = try render(broken, in: work)
        #expect(!brokenStats.looksRendered, "\(brokenStats)")
    }
}
