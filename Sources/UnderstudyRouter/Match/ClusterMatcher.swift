import Foundation
import UnderstudyArchive
import UnderstudyDistill
import UnderstudyInference
import UnderstudyReplay
import UnderstudyWire

/// Finds the cluster a live request belongs to, the way distillation grouped the recorded ones:
/// first by signature (the agent's masked system prompt, and tools the cluster has seen), then
/// by the embedded varying conversation: the nearest centroid wins if the request lies within
/// that cluster's radius (cosine distance). Anything else is no match and goes upstream.
///
/// ```swift
/// let matcher = ClusterMatcher(clusters: run.clusters.map(MatchableCluster.init), embedder: embedder)
/// if case .matched(let id, let distance) = matcher.match(prefix: prefix, messages: messages, api: "chat.completions") { … }
/// ```
public struct ClusterMatcher: Sendable {
    public enum Result: Sendable, Equatable {
        case matched(cluster: String, distance: Double)
        /// Why nothing matched: `no_signature` (no cluster of this agent and tool set),
        /// `outside_radius` (nearest centroid too far), `embedding_failed`.
        case unmatched(reason: String, nearest: String?, distance: Double?)
    }

    public let clusters: [MatchableCluster]
    public let embedder: any SentenceEmbedder

    public init(clusters: [MatchableCluster], embedder: any SentenceEmbedder) {
        self.clusters = clusters
        self.embedder = embedder
    }

    /// The clusters whose signature admits the request: same agent (masked system prompt hash),
    /// every tool it offers is one the cluster's calls offered, and the cluster's calls offered
    /// as many tools (none, one, several: filling in the one function given and choosing among
    /// several are different tasks).
    public func candidates(systemHash: String, toolNames: [String]) -> [MatchableCluster] {
        let offered = Set(toolNames)
        let bucket = CallShape.Offered(toolCount: toolNames.count)
        return clusters.filter {
            $0.systemHash == systemHash && offered.isSubset(of: $0.toolNames)
                && ($0.offered.isEmpty || $0.offered.contains(bucket))
        }
    }

    public func match(prefix: CanonicalPrefix, messages: [CanonicalMessage], api: String, model: String = "") -> Result {
        let systemHash = ClusterStage.systemHash(prefix.system)
        let toolNames = prefix.tools.map(\.name)
        let admitted = candidates(systemHash: systemHash, toolNames: toolNames)
        guard !admitted.isEmpty else { return .unmatched(reason: "no_signature", nearest: nil, distance: nil) }
        let candidate = ClusterCandidate(
            id: "", signature: TaskSignature(api: api, model: model, systemHash: systemHash, toolNames: toolNames),
            text: ClusterStage.text(of: messages))
        let vector: [Float]
        do {
            guard let first = try embedder.embed([candidate.embeddingText]).first else {
                return .unmatched(reason: "embedding_failed", nearest: nil, distance: nil)
            }
            vector = first
        } catch {
            return .unmatched(reason: "embedding_failed", nearest: nil, distance: nil)
        }
        return Self.nearest(vector, among: admitted)
    }

    /// The nearest admitted centroid by cosine distance, if within its radius.
    public static func nearest(_ vector: [Float], among clusters: [MatchableCluster]) -> Result {
        var best: (cluster: MatchableCluster, distance: Double)?
        for cluster in clusters where cluster.centroid.count == vector.count {
            var dot: Float = 0
            for i in vector.indices { dot += vector[i] * cluster.centroid[i] }
            let distance = Double(1 - dot)
            if best == nil || distance < best!.distance { best = (cluster, distance) }
        }
        guard let best else { return .unmatched(reason: "no_signature", nearest: nil, distance: nil) }
        let rounded = (best.distance * 10_000).rounded() / 10_000
        if best.distance <= best.cluster.radius { return .matched(cluster: best.cluster.id, distance: rounded) }
        return .unmatched(reason: "outside_radius", nearest: best.cluster.id, distance: rounded)
    }
}

/// What matching needs of a cluster of the run.
public struct MatchableCluster: Sendable, Equatable {
    public var id: String
    /// `ClusterStage.systemHash` of the cluster's system prompt.
    public var systemHash: String
    /// Every tool name the cluster's calls offered.
    public var toolNames: Set<String>
    /// L2-normalized mean of the members' embeddings.
    public var centroid: [Float]
    /// Cosine distance bound.
    public var radius: Double
    /// How many tools the cluster's calls offered (`clusters.json` `tools_offered`); empty
    /// (runs clustered before it was recorded) admits any number.
    public var offered: Set<CallShape.Offered>

    public init(
        id: String, systemHash: String, toolNames: Set<String>, centroid: [Float], radius: Double,
        offered: Set<CallShape.Offered> = []
    ) {
        self.id = id
        self.systemHash = systemHash
        self.toolNames = toolNames
        self.centroid = centroid
        self.radius = radius
        self.offered = offered
    }

    /// From a run's cluster; `toolNames` from `clusters.json` (`tool_names`), else its tools.
    public init(_ cluster: RunCluster, toolNames: [String]?, offered: [String] = []) {
        let names = toolNames ?? cluster.tools.compactMap { $0["name"]?.stringValue }
        self.init(
            id: cluster.id, systemHash: ClusterStage.systemHash(cluster.system), toolNames: Set(names),
            centroid: cluster.centroid, radius: cluster.radius, offered: Set(offered.compactMap(CallShape.Offered.init)))
    }
}
