import Testing
import UnderstudyReplay

/// Coverage math on a verdict set small enough to check by hand.
struct CoverageTests {
    /// Cluster "a": 5 recorded calls costing 8.
    static let clusterA: [Verdict] = [
        Verdict(id: "1", cluster: "a", weight: 2, cost: 2, status: .match, comparator: .toolCalls, reason: "", confidence: 0.9, cpuSeconds: 0.036),
        Verdict(id: "2", cluster: "a", weight: 1, cost: 1, status: .mismatch, comparator: .toolCalls, reason: "", confidence: 0.8, cpuSeconds: 0.036),
        Verdict(id: "3", cluster: "a", weight: 1, cost: 1, status: .match, comparator: .toolCalls, reason: "", confidence: 0.6, cpuSeconds: 0.036),
        Verdict(id: "4", cluster: "a", weight: 1, cost: 4, status: .error, comparator: .toolCalls, reason: "timeout"),
    ]
    static let clusterB: [Verdict] = [
        Verdict(id: "5", cluster: "b", weight: 3, cost: 3, status: .noSpecialist, comparator: .text, reason: "no specialist"),
    ]

    @Test func coverageAndErrorAtThresholds() {
        let all = CoveragePoint.at(0, Self.clusterA)
        #expect(abs(all.coverage - 0.6) < 1e-12)
        #expect(abs(all.error - 0.2) < 1e-12)
        #expect(abs(all.coverageByCost - 3.0 / 8.0) < 1e-12)
        #expect(abs(all.errorByCost - 1.0 / 8.0) < 1e-12)
        let mid = CoveragePoint.at(0.7, Self.clusterA)
        #expect(abs(mid.coverage - 0.4) < 1e-12)
        #expect(abs(mid.error - 0.2) < 1e-12)
        let high = CoveragePoint.at(0.85, Self.clusterA)
        #expect(abs(high.coverage - 0.4) < 1e-12)
        #expect(high.error == 0)
        #expect(abs(high.coverageByCost - 0.25) < 1e-12)
    }

    @Test func curveRunsFromEverythingToNothing() {
        let curve = CoveragePoint.curve(Self.clusterA)
        #expect(curve.map(\.threshold).prefix(4) == [0, 0.6, 0.8, 0.9])
        #expect(curve.last?.coverage == 0)
        #expect(curve.last?.error == 0)
        #expect(zip(curve, curve.dropFirst()).allSatisfy { $0.coverage >= $1.coverage && $0.error >= $1.error })
    }

    @Test func thresholdKeepsErrorsUnderTarget() {
        let strict = ThresholdProposal.propose(Self.clusterA, target: 0.01)
        #expect(strict.threshold == 0.9)
        #expect(abs(strict.point.coverage - 0.4) < 1e-12)
        #expect(strict.sampleErrors == 0)
        // Wilson 95% upper bound for 0 errors in 4: (z²/n) / (1 + z²/n) with z = 1.96.
        #expect(abs(strict.errorUpperBound - 0.9604 / 1.9604) < 1e-4)
        let lenient = ThresholdProposal.propose(Self.clusterA, target: 0.25)
        #expect(lenient.threshold == 0)
        #expect(abs(lenient.point.coverage - 0.6) < 1e-12)
    }

    @Test func clusterWithoutGoodAnswersIsLeftOff() {
        let bad = [
            Verdict(id: "x", cluster: "c", status: .mismatch, comparator: .exact, reason: "", confidence: 0.99),
            Verdict(id: "y", cluster: "c", status: .error, comparator: .exact, reason: "HTTP 500"),
        ]
        #expect(ThresholdProposal.propose(bad).threshold == nil)
        #expect(ThresholdProposal.propose(Self.clusterB).threshold == nil)
    }

    @Test func runCoverageWeighsClustersByTheirTrafficShare() {
        let coverage = RunCoverage(
            run: "r", clusters: [
                .init(id: "a", label: "A", trafficShare: 0.5, costShare: 0.6, count: 50, cost: 100, hasSpecialist: true),
                .init(id: "b", label: "B", trafficShare: 0.3, costShare: 0.2, count: 30, cost: nil, hasSpecialist: false),
            ], noiseShare: 0.2, verdicts: Self.clusterA + Self.clusterB, target: 0.01, prices: CostModel(cpuHour: 100))
        let proposed = coverage.overallAtProposed
        #expect(abs(proposed.coverage - 0.2) < 1e-12)
        #expect(abs(proposed.coverageByCost - 0.15) < 1e-12)
        #expect(proposed.error == 0)
        let everything = coverage.overall(at: 0)
        #expect(abs(everything.coverage - 0.3) < 1e-12)
        #expect(abs(everything.error - 0.1) < 1e-12)
        #expect(coverage.clusters.map(\.id) == ["a", "b"])
        #expect(coverage.clusters[1].proposal.threshold == nil)
    }

    @Test func savingsSubtractSpecialistCompute() throws {
        let coverage = RunCoverage(
            run: "r", clusters: [.init(id: "a", label: "A", trafficShare: 1, costShare: 1, count: 50, cost: 100, hasSpecialist: true)],
            noiseShare: 0, verdicts: Self.clusterA, target: 0.01, prices: CostModel(cpuHour: 100))
        let savings = try #require(coverage.clusters[0].savings)
        // 100 recorded × 25% of cost covered at threshold 0.9; 50 calls × 0.036 CPU-s at $100/CPU-hour.
        #expect(abs(savings.upstreamSaved - 25) < 1e-9)
        #expect(abs((savings.computeCost ?? 0) - 0.05) < 1e-9)
        #expect(abs(savings.net - 24.95) < 1e-9)
        #expect(abs((coverage.savings?.net ?? 0) - 24.95) < 1e-9)
    }

    @Test func verdictLinesRoundTrip() throws {
        let verdict = Verdict(
            id: "01J", cluster: "a", weight: 3, cost: 0.25, model: "gpt-4o", status: .mismatch, comparator: .toolCalls,
            reason: "f: argument 'x': expected 1, got 2", confidence: 0.42, latencyMilliseconds: 3.5,
            selfAgreement: .init(agreeing: 2, total: 3), excerpt: "book it", expected: ["content": nil],
            answer: ["content": "x"])
        let bytes = Array((verdict.json.serialized() + "\n").utf8)
        #expect(try Verdict.read(contentsOf: bytes, path: "v.jsonl") == [verdict])
    }
}
