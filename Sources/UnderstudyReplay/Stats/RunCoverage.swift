import Foundation

/// Coverage of a whole run: every cluster's results, combined by each cluster's share of the
/// recorded traffic (calls, and cost) so that a small test split of a big cluster weighs as
/// much as that cluster's traffic. Unclustered calls ("noise") stay upstream: never covered.
public struct RunCoverage: Sendable {
    public var run: String
    public var target: Double
    public var clusters: [ClusterCoverage]
    /// Share of recorded calls that belong to no cluster.
    public var noiseShare: Double
    public var prices: CostModel

    /// Where each cluster's shares come from: the run's `clusters.json` (`shares`), else the
    /// replayed sample itself.
    public struct ClusterInfo: Sendable {
        public var id: String
        public var label: String
        public var trafficShare: Double
        public var costShare: Double
        public var count: Int
        public var cost: Double?
        public var hasSpecialist: Bool

        public init(
            id: String, label: String, trafficShare: Double, costShare: Double, count: Int, cost: Double?,
            hasSpecialist: Bool
        ) {
            self.id = id
            self.label = label
            self.trafficShare = trafficShare
            self.costShare = costShare
            self.count = count
            self.cost = cost
            self.hasSpecialist = hasSpecialist
        }
    }

    public init(
        run: String, clusters infos: [ClusterInfo], noiseShare: Double, verdicts: [Verdict], target: Double = 0.01,
        prices: CostModel = CostModel()
    ) {
        self.run = run
        self.target = target
        self.noiseShare = noiseShare
        self.prices = prices
        var byCluster: [String: [Verdict]] = [:]
        for verdict in verdicts { byCluster[verdict.cluster, default: []].append(verdict) }
        var infos = infos
        // Verdicts of clusters the index does not know (should not happen) still count.
        for id in byCluster.keys.sorted() where !infos.contains(where: { $0.id == id }) {
            infos.append(ClusterInfo(id: id, label: id, trafficShare: 0, costShare: 0, count: 0, cost: nil, hasSpecialist: true))
        }
        // Without shares from the run, the sample's own weights are the shares.
        let sumShares = infos.reduce(0) { $0 + $1.trafficShare }
        let sumCostShares = infos.reduce(0) { $0 + $1.costShare }
        let sampleTotal = Double(verdicts.reduce(0) { $0 + $1.weight })
        let sampleCostTotal = verdicts.compactMap(\.cost).reduce(0, +)
        clusters = infos.map { info in
            let own = byCluster[info.id] ?? []
            var traffic = info.trafficShare
            var costShare = info.costShare
            if sumShares <= 0, sampleTotal > 0 {
                traffic = Double(own.reduce(0) { $0 + $1.weight }) / sampleTotal * (1 - noiseShare)
            }
            if sumCostShares <= 0 {
                costShare = sampleCostTotal > 0
                    ? own.compactMap(\.cost).reduce(0, +) / sampleCostTotal * (1 - noiseShare) : traffic
            }
            return ClusterCoverage(
                id: info.id, label: info.label, trafficShare: traffic, costShare: costShare, count: info.count,
                cost: info.cost, hasSpecialist: info.hasSpecialist, verdicts: own, target: target, prices: prices)
        }
    }

    /// Overall coverage if every cluster answered at `threshold`.
    public func overall(at threshold: Double) -> CoveragePoint {
        combine { CoveragePoint.at(threshold, $0.verdicts) }
    }

    /// Overall coverage with each cluster at its proposed threshold (clusters left off count 0).
    public var overallAtProposed: CoveragePoint {
        var point = combine { cluster in
            guard cluster.proposal.threshold != nil else {
                return CoveragePoint(threshold: 0, coverage: 0, error: 0, coverageByCost: 0, errorByCost: 0)
            }
            return cluster.proposal.point
        }
        point.threshold = .nan
        return point
    }

    /// The overall curve at thresholds 0, 0.01, …, 1.
    public var overallCurve: [CoveragePoint] {
        (0...100).map { overall(at: Double($0) / 100) }
    }

    func combine(_ point: (ClusterCoverage) -> CoveragePoint) -> CoveragePoint {
        var out = CoveragePoint(threshold: 0, coverage: 0, error: 0, coverageByCost: 0, errorByCost: 0)
        for cluster in clusters {
            let p = point(cluster)
            out.threshold = p.threshold
            out.coverage += cluster.trafficShare * p.coverage
            out.error += cluster.trafficShare * p.error
            out.coverageByCost += cluster.costShare * p.coverageByCost
            out.errorByCost += cluster.costShare * p.errorByCost
        }
        return out
    }

    /// Savings summed over clusters with a known cost.
    public var savings: Savings? {
        let parts = clusters.compactMap(\.savings)
        guard !parts.isEmpty else { return nil }
        let compute = parts.contains { $0.computeCost == nil } && parts.allSatisfy { $0.computeCost == nil }
            ? nil : parts.compactMap(\.computeCost).reduce(0, +)
        return Savings(
            recordedCost: parts.reduce(0) { $0 + $1.recordedCost }, upstreamSaved: parts.reduce(0) { $0 + $1.upstreamSaved },
            computeCost: compute)
    }

    /// Every verdict of the run.
    public var verdicts: [Verdict] { clusters.flatMap(\.verdicts) }
}
