import Foundation
import UnderstudyArchive

/// Writes a run's report: `index.html` (self-contained), `report.md` and `report.json`, and,
/// for the run's own replay, `replay/thresholds.json` for `serve`.
///
/// ```swift
/// let coverage = RunCoverage(run: "r1", clusters: infos, noiseShare: 0.1, verdicts: verdicts)
/// try ReportWriter.write(coverage, context: context, to: run.reportDirectory)
/// ```
public enum ReportWriter {
    public static func write(_ coverage: RunCoverage, context: ReportContext, to directory: URL) throws {
        try makeDirectory(directory)
        try write(HTMLReport.render(coverage, context: context), to: directory.appendingPathComponent("index.html"))
        try write(MarkdownReport.render(coverage, context: context), to: directory.appendingPathComponent("report.md"))
        try write(ReportJSON.report(coverage, context: context).serialized() + "\n",
                  to: directory.appendingPathComponent("report.json"))
    }

    /// `thresholds.json` in `directory` (the run's `replay/`).
    public static func writeThresholds(_ coverage: RunCoverage, generated: String, to directory: URL) throws {
        try makeDirectory(directory)
        try write(ReportJSON.thresholds(coverage, generated: generated).serialized() + "\n",
                  to: directory.appendingPathComponent("thresholds.json"))
    }

    /// `verdicts.jsonl` in `directory`.
    public static func writeVerdicts(_ verdicts: [Verdict], to directory: URL) throws {
        try makeDirectory(directory)
        var bytes: [UInt8] = []
        for verdict in verdicts {
            verdict.json.write(to: &bytes)
            bytes.append(0x0A)
        }
        try write(bytes, to: directory.appendingPathComponent("verdicts.jsonl"))
    }

    /// The `report.json` value, for `--json` output.
    public static func json(_ coverage: RunCoverage, context: ReportContext) -> JSONValue {
        ReportJSON.report(coverage, context: context)
    }

    static func makeDirectory(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    static func write(_ text: String, to url: URL) throws { try write(Array(text.utf8), to: url) }

    static func write(_ bytes: [UInt8], to url: URL) throws {
        // Write then rename, so a reader never sees half a report.
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw ReplayError("cannot write \(temporary.path)")
        }
        if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
        try FileManager.default.moveItem(at: temporary, to: url)
    }
}
