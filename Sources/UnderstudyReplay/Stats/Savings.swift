/// Estimated savings of one cluster at its proposed threshold, over the recorded traffic:
/// the recorded cost of the calls the specialist would have answered correctly, less the
/// compute it uses for every call of the cluster (each call is tried on the specialist
/// first). Wrongly answered calls save money too but are not counted: they are the price
/// of the error share, not a gain.
public struct Savings: Sendable, Equatable {
    /// Recorded upstream cost of the cluster's traffic.
    public var recordedCost: Double
    /// Upstream cost no longer paid: calls answered correctly at the threshold.
    public var upstreamSaved: Double
    /// CPU cost of running the specialist on every call; nil when not measured (endpoints).
    public var computeCost: Double?
    public var net: Double { upstreamSaved - (computeCost ?? 0) }

    public init(recordedCost: Double, upstreamSaved: Double, computeCost: Double?) {
        self.recordedCost = recordedCost
        self.upstreamSaved = upstreamSaved
        self.computeCost = computeCost
    }

    /// nil when the cluster's recorded cost is unknown.
    init?(cluster: ClusterCoverage, prices: CostModel) {
        guard let cost = cluster.cost else { return nil }
        let covered = cluster.proposal.threshold == nil ? 0 : cluster.proposal.point.coverageByCost
        let calls = Double(max(cluster.count, cluster.totalWeight))
        let compute = cluster.hasSpecialist && cluster.proposal.threshold != nil ? cluster.cpuSecondsPerCall.map { prices.computeCost(cpuSeconds: $0 * calls) } : 0
        self.init(recordedCost: cost, upstreamSaved: cost * covered, computeCost: compute)
    }
}
