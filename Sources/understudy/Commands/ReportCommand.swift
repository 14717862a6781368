import ArgumentParser
import Foundation
import UnderstudyReplay

/// `understudy report`: rebuilds a run's coverage report from its replay verdicts, for example
/// with another error target or other prices, without replaying.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Regenerate a run's coverage report from its replay verdicts.",
        discussion: """
            Reads distill/runs/RUN/replay/verdicts.jsonl (written by `understudy replay`) and \
            writes distill/runs/RUN/report/index.html, report.md and report.json, and \
            replay/thresholds.json.

            Examples:
              understudy report --run r1
              understudy report --run r1 --target-error 0.02 --cpu-hour-price 0.1 --json
            """)

    @OptionGroup var options: ReplayReportOptions

    func run() async throws {
        let run = try options.openRun()
        let costs = try options.costModel()
        let verdicts = try Self.readVerdicts(run)
        let coverage = RunCoverage(
            run: run.name, clusters: ReplayReportOptions.clusterInfos(run), noiseShare: run.noiseShare, verdicts: verdicts,
            target: options.targetError, prices: costs)
        let generated = ReplayReportOptions.now()
        let targets = Set(verdicts.compactMap { $0.note == nil ? nil : $0.note })
        let context = ReportContext(generated: generated, target: "as replayed", notes: targets.sorted())
        do {
            try ReportWriter.writeThresholds(coverage, generated: generated, to: run.replayDirectory)
            try ReportWriter.write(coverage, context: context, to: run.reportDirectory)
        } catch { throw CLIError("cannot write the report into \(run.reportDirectory.path): \(error)") }
        if options.json {
            print(ReportWriter.json(coverage, context: context).serialized())
        } else {
            ReplayReportOptions.printSummary(coverage, report: run.reportDirectory)
        }
    }

    static func readVerdicts(_ run: RunDirectory) throws -> [Verdict] {
        let file = run.replayDirectory.appendingPathComponent("verdicts.jsonl")
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw CLIError("\(file.path) is missing: run `understudy replay --run \(run.name)` first")
        }
        do { return try Verdict.read(contentsOf: [UInt8](data), path: file.path) } catch { throw CLIError("\(error)") }
    }
}
