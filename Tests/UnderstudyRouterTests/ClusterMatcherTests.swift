import Testing
import UnderstudyDistill
import UnderstudyInference
import UnderstudyRouter
import UnderstudyWire

struct ClusterMatcherTests {
    static let weather = "You are a weather agent."
    static let travel = "You are a travel agent. Today is 2026-11-26."

    func cluster(_ id: String, system: String, tools: Set<String>, centroid: [Float], radius: Double) -> MatchableCluster {
        MatchableCluster(id: id, systemHash: ClusterStage.systemHash(system), toolNames: tools, centroid: centroid,
                         radius: radius)
    }

    @Test func nearestCentroidWinsOnlyWithinItsRadius() {
        let a = cluster("c001", system: Self.weather, tools: [], centroid: [1, 0, 0], radius: 0.2)
        let b = cluster("c002", system: Self.weather, tools: [], centroid: [0, 1, 0], radius: 0.2)
        #expect(ClusterMatcher.nearest([0.95, 0.31, 0], among: [a, b]) == .matched(cluster: "c001", distance: 0.05))
        // Nearest is c002 but 0.4 away, beyond its radius.
        guard case .unmatched(let reason, let nearest, _) = ClusterMatcher.nearest([0, 0.6, 0.8], among: [a, b]) else {
            Issue.record("matched outside every radius")
            return
        }
        #expect(reason == "outside_radius")
        #expect(nearest == "c002")
    }

    @Test func signatureKeepsAgentsAndToolSetsApart() {
        let matcher = ClusterMatcher(
            clusters: [
                cluster("c001", system: Self.weather, tools: ["get_weather", "get_forecast"], centroid: [1], radius: 2),
                cluster("c002", system: Self.travel, tools: ["book"], centroid: [1], radius: 2),
            ], embedder: HashingEmbedder(dimension: 1))
        #expect(matcher.candidates(systemHash: ClusterStage.systemHash(Self.weather), toolNames: ["get_weather"]).map(\.id) == ["c001"])
        // A tool the cluster never saw: not the same task.
        #expect(matcher.candidates(systemHash: ClusterStage.systemHash(Self.weather), toolNames: ["get_weather", "delete_city"]).isEmpty)
        // Dates in the system prompt are masked, so a prompt stamped with today still matches.
        let stamped = ClusterStage.systemHash("You are a travel agent. Today is 2026-12-01.")
        #expect(matcher.candidates(systemHash: stamped, toolNames: []).map(\.id) == ["c002"])
    }

    /// A generic agent whose tools come with each request: a request offering one tool goes to
    /// the clusters of one-tool calls, a request offering several to those of several, even
    /// when every tool is one both have seen.
    @Test func toolCountKeepsFillingInApartFromChoosing() {
        let tools: Set<String> = ["get_weather", "get_price", "book"]
        let matcher = ClusterMatcher(
            clusters: [
                MatchableCluster(id: "c001", systemHash: ClusterStage.systemHash(Self.weather), toolNames: tools,
                                 centroid: [1], radius: 2, offered: [.one]),
                MatchableCluster(id: "c002", systemHash: ClusterStage.systemHash(Self.weather), toolNames: tools,
                                 centroid: [1], radius: 2, offered: [.several]),
            ], embedder: HashingEmbedder(dimension: 1))
        let hash = ClusterStage.systemHash(Self.weather)
        #expect(matcher.candidates(systemHash: hash, toolNames: ["get_weather"]).map(\.id) == ["c001"])
        #expect(matcher.candidates(systemHash: hash, toolNames: ["get_weather", "book"]).map(\.id) == ["c002"])
        #expect(matcher.candidates(systemHash: hash, toolNames: []).isEmpty)
    }

    @Test func unknownAgentIsNoMatch() {
        let matcher = ClusterMatcher(
            clusters: [cluster("c001", system: Self.weather, tools: [], centroid: [1, 0], radius: 2)],
            embedder: HashingEmbedder(dimension: 2))
        let result = matcher.match(
            prefix: CanonicalPrefix(system: "Something else entirely", tools: []),
            messages: [CanonicalMessage(role: .user, content: "hi")], api: "chat.completions")
        #expect(result == .unmatched(reason: "no_signature", nearest: nil, distance: nil))
    }
}
