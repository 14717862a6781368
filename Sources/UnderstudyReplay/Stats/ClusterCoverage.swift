/// Replay results of one cluster: accuracy, the big model's self-agreement, the coverage curve,
/// the proposed threshold, latency and savings.
public struct ClusterCoverage: Sendable {
    public var id: String
    public var label: String
    /// Share of all recorded traffic (calls) and cost in this cluster.
    public var trafficShare: Double
    public var costShare: Double
    /// Recorded calls and cost of the cluster over the recording.
    public var count: Int
    public var cost: Double?
    public var hasSpecialist: Bool
    public var verdicts: [Verdict]
    public var curve: [CoveragePoint]
    public var proposal: ThresholdProposal
    public var savings: Savings?

    public init(
        id: String, label: String, trafficShare: Double, costShare: Double, count: Int, cost: Double?,
        hasSpecialist: Bool, verdicts: [Verdict], target: Double, prices: CostModel
    ) {
        self.id = id
        self.label = label
        self.trafficShare = trafficShare
        self.costShare = costShare
        self.count = count
        self.hasSpecialist = hasSpecialist
        self.verdicts = verdicts
        curve = CoveragePoint.curve(verdicts)
        proposal = ThresholdProposal.propose(verdicts, target: target)
        let sampleWeight = verdicts.reduce(0) { $0 + $1.weight }
        let sampleCost = verdicts.compactMap(\.cost).reduce(0, +)
        if let cost, cost > 0 {
            self.cost = cost
        } else if sampleCost > 0, sampleWeight > 0 {
            // Cost per recorded call from the replayed sample, over the cluster's calls.
            self.cost = sampleCost / Double(sampleWeight) * Double(max(count, sampleWeight))
        } else {
            self.cost = nil
        }
        savings = Savings(cluster: self, prices: prices)
    }

    /// Replayed calls (weighted) by status.
    public func weight(_ status: Verdict.Status) -> Int {
        verdicts.filter { $0.status == status }.reduce(0) { $0 + $1.weight }
    }

    public var totalWeight: Int { verdicts.reduce(0) { $0 + $1.weight } }

    /// Share of replayed calls answered correctly, whatever the confidence.
    public var accuracy: Double {
        totalWeight > 0 ? Double(weight(.match)) / Double(totalWeight) : 0
    }

    /// The big model's agreement with itself on requests recorded more than once with
    /// different answers; nil when there were none.
    public var selfAgreement: (rate: Double, calls: Int)? {
        let parts = verdicts.compactMap(\.selfAgreement)
        let total = parts.reduce(0) { $0 + $1.total }
        guard total > 0 else { return nil }
        return (Double(parts.reduce(0) { $0 + $1.agreeing }) / Double(total), total)
    }

    /// Specialist accuracy on the same requests that measure self-agreement.
    public var accuracyOnDuplicated: Double? {
        let duplicated = verdicts.filter { $0.selfAgreement != nil }
        let total = duplicated.reduce(0) { $0 + $1.weight }
        guard total > 0 else { return nil }
        return Double(duplicated.filter(\.correct).reduce(0) { $0 + $1.weight }) / Double(total)
    }

    /// Latencies of answered requests, milliseconds, sorted.
    public var latencies: [Double] { verdicts.compactMap(\.latencyMilliseconds).sorted() }

    /// The `q` quantile (0…1) of `sorted`, nearest rank.
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(sorted.count - 1, max(0, rank))]
    }

    /// Mean CPU-seconds per answered request, when measured (in-process specialists).
    public var cpuSecondsPerCall: Double? {
        let values = verdicts.compactMap(\.cpuSeconds)
        return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}
