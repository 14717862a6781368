/// Coverage drift (the paper's S6): the run's specialists replayed on newer captures, at the
/// thresholds the run's own replay proposed, next to that replay.
public struct Drift: Sendable {
    public struct Row: Sendable {
        public var cluster: String
        public var label: String
        /// Traffic share in the run and in the new captures.
        public var baselineShare: Double
        public var newShare: Double
        /// Coverage and error at the run's threshold, in the run's replay and on the new captures.
        public var baselineCoverage: Double
        public var newCoverage: Double
        public var baselineError: Double
        public var newError: Double
        public var newSample: Int
    }

    /// The new captures' name (`captures/NEW`).
    public var source: String
    public var rows: [Row]
    /// Share of the new traffic that matched no cluster (stays upstream; new tasks to distill).
    public var unmatchedShare: Double
    public var newCalls: Int
    public var baselineOverall: CoveragePoint
    public var newOverall: CoveragePoint

    /// - Parameters:
    ///   - baseline: the run's own replay.
    ///   - current: the replay of the new captures; its per-cluster verdicts are judged at
    ///     the baseline's proposed thresholds.
    public init(source: String, baseline: RunCoverage, current: RunCoverage, unmatchedShare: Double, newCalls: Int) {
        self.source = source
        self.unmatchedShare = unmatchedShare
        self.newCalls = newCalls
        var rows: [Row] = []
        var newOverall = CoveragePoint(threshold: .nan, coverage: 0, error: 0, coverageByCost: 0, errorByCost: 0)
        for cluster in baseline.clusters {
            let fresh = current.clusters.first { $0.id == cluster.id }
            let threshold = cluster.proposal.threshold
            let point = threshold.map { CoveragePoint.at($0, fresh?.verdicts ?? []) }
            let share = fresh?.trafficShare ?? 0
            newOverall.coverage += share * (point?.coverage ?? 0)
            newOverall.error += share * (point?.error ?? 0)
            newOverall.coverageByCost += (fresh?.costShare ?? 0) * (point?.coverageByCost ?? 0)
            newOverall.errorByCost += (fresh?.costShare ?? 0) * (point?.errorByCost ?? 0)
            rows.append(Row(
                cluster: cluster.id, label: cluster.label, baselineShare: cluster.trafficShare, newShare: share,
                baselineCoverage: threshold == nil ? 0 : cluster.proposal.point.coverage,
                newCoverage: point?.coverage ?? 0,
                baselineError: threshold == nil ? 0 : cluster.proposal.point.error, newError: point?.error ?? 0,
                newSample: fresh?.verdicts.count ?? 0))
        }
        self.rows = rows
        baselineOverall = baseline.overallAtProposed
        self.newOverall = newOverall
    }
}
