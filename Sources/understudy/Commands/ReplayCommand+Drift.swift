import Foundation
import UnderstudyReplay

extension ReplayCommand {
    /// `--from`: the new captures' verdicts, judged at the thresholds of the run's own replay,
    /// reported next to it in report/from-NAME/.
    func writeDrift(
        run: RunDirectory, captureCases: CaptureCases, verdicts: [Verdict], costs: CostModel,
        context: (generated: String, target: String, notes: [String])
    ) throws {
        let baselineVerdicts = try ReportCommand.readVerdicts(run)
        let infos = ReplayReportOptions.clusterInfos(run)
        let baseline = RunCoverage(
            run: run.name, clusters: infos, noiseShare: run.noiseShare, verdicts: baselineVerdicts,
            target: options.targetError, prices: costs)
        let total = Double(max(1, captureCases.totalCalls))
        let totalCost = captureCases.costByCluster.values.reduce(0, +)
        let newInfos = infos.map { info in
            RunCoverage.ClusterInfo(
                id: info.id, label: info.label, trafficShare: Double(captureCases.callsByCluster[info.id] ?? 0) / total,
                costShare: totalCost > 0 ? (captureCases.costByCluster[info.id] ?? 0) / totalCost : 0,
                count: captureCases.callsByCluster[info.id] ?? 0, cost: captureCases.costByCluster[info.id],
                hasSpecialist: info.hasSpecialist)
        }
        let name = captureCases.directory.lastPathComponent
        let current = RunCoverage(
            run: "\(run.name) on \(name.dropFirst(5))", clusters: newInfos,
            noiseShare: Double(captureCases.unmatchedCalls) / total, verdicts: verdicts, target: options.targetError,
            prices: costs)
        let drift = Drift(
            source: from ?? name, baseline: baseline, current: current,
            unmatchedShare: Double(captureCases.unmatchedCalls) / total, newCalls: captureCases.totalCalls)
        let reportDirectory = run.reportDirectory.appendingPathComponent(name)
        let reportContext = ReportContext(generated: context.generated, target: context.target, drift: drift, notes: context.notes)
        do {
            try ReportWriter.writeVerdicts(verdicts, to: captureCases.directory)
            try ReportWriter.write(current, context: reportContext, to: reportDirectory)
        } catch { throw CLIError("cannot write the drift report into \(reportDirectory.path): \(error)") }
        if options.json {
            print(ReportWriter.json(current, context: reportContext).serialized())
        } else {
            ReplayReportOptions.printSummary(current, report: reportDirectory)
            print(String(format: "drift: coverage at the run's thresholds %.1f%% → %.1f%%; %.1f%% of the new calls matched no cluster",
                         drift.baselineOverall.coverage * 100, drift.newOverall.coverage * 100, drift.unmatchedShare * 100))
        }
    }
}
