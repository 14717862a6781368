import UnderstudyInference

/// Finds recurring tasks: first by structural signature (API, model, masked system prompt, tool
/// set, or for an agent whose tools come with each request the number of tools offered), then
/// by answer kind where it belongs to the task (text, one call, several calls; see `CallShape`),
/// then by the embedded varying part within each group (one generic agent prompt can carry
/// several tasks), then merges groups whose content is the same task (one agent served by two
/// models). Calls in no dense group are noise and stay on the big model.
///
/// ```swift
/// let clusterer = TaskClusterer(embedder: HashingEmbedder())
/// let result = try clusterer.cluster(candidates)
/// ```
public struct TaskClusterer: Sendable {
    public var configuration: ClusteringConfiguration
    public var embedder: any SentenceEmbedder

    public init(configuration: ClusteringConfiguration = ClusteringConfiguration(), embedder: any SentenceEmbedder) {
        self.configuration = configuration
        self.embedder = embedder
    }

    public func cluster(_ candidates: [ClusterCandidate]) throws -> ClusteringResult {
        let vectors = try embed(candidates)
        var groups: [StructuralGroup] = []
        for group in structuralGroups(candidates) {
            groups += split(group.members, vectors).map { StructuralGroup(members: $0, key: group.key) }
        }
        return finish(merge(groups, candidates, vectors), candidates, vectors)
    }

    func embed(_ candidates: [ClusterCandidate]) throws -> VectorSet {
        guard !candidates.isEmpty else { return VectorSet(dimension: max(1, embedder.dimension)) }
        return VectorSet(try embedder.embed(candidates.map(\.embeddingText)))
    }

    /// Calls that share their structure; `key` names it (tools offered, answer kind when it splits).
    struct StructuralGroup {
        var members: [Int]
        var key: String
    }

    /// Structural groups. An agent offering many different tool sets (a generic tool-calling
    /// agent whose tools come with each request) is grouped by how many tools a request offers,
    /// not by which, and split later by content. Then each group is split by answer kind where
    /// that kind belongs to the task (see `CallShape.answerDistinguishesTasks`).
    func structuralGroups(_ candidates: [ClusterCandidate]) -> [StructuralGroup] {
        var byAgent: [String: [Int]] = [:]
        for (i, c) in candidates.enumerated() { byAgent[c.signature.agentKey, default: []].append(i) }
        var groups: [StructuralGroup] = []
        for agent in byAgent.keys.sorted() {
            let indices = byAgent[agent]!
            let toolSets = Set(indices.map { candidates[$0].signature.toolNames })
            if toolSets.count > configuration.maximumToolSetsPerAgent {
                var byOffered: [CallShape.Offered: [Int]] = [:]
                for i in indices { byOffered[candidates[i].signature.offered, default: []].append(i) }
                for offered in byOffered.keys.sorted() { groups += splitByAnswer(byOffered[offered]!, candidates) }
                continue
            }
            var bySignature: [TaskSignature: [Int]] = [:]
            for i in indices { bySignature[candidates[i].signature, default: []].append(i) }
            for key in bySignature.keys.sorted(by: { "\($0)" < "\($1)" }) {
                groups += splitByAnswer(bySignature[key]!, candidates)
            }
        }
        return groups
    }

    /// One group per answer kind when the answer kind is part of the task here and at least two
    /// kinds hold a real share of the group; rarer kinds stay together in one remaining group.
    func splitByAnswer(_ indices: [Int], _ candidates: [ClusterCandidate]) -> [StructuralGroup] {
        let offered = Set(indices.map { candidates[$0].signature.offered }).sorted().map(\.rawValue).joined(separator: "+")
        let whole = [StructuralGroup(members: indices, key: offered)]
        let conversations = indices.map { candidates[$0].conversation }
        guard CallShape.answerDistinguishesTasks(conversations, singleTurnShare: configuration.singleTurnShare) else {
            return whole
        }
        var byAnswer: [CallShape.Answer: [Int]] = [:]
        for i in indices { byAnswer[candidates[i].answer, default: []].append(i) }
        let smallest = max(configuration.minimumClusterSize, Int(configuration.minimumSplitShare * Double(indices.count)))
        let kept = byAnswer.keys.sorted().filter { byAnswer[$0]!.count >= smallest }
        guard kept.count >= 2 else { return whole }
        var groups = kept.map { StructuralGroup(members: byAnswer[$0]!, key: offered + "|" + $0.rawValue) }
        let rest = byAnswer.keys.sorted().filter { !kept.contains($0) }.flatMap { byAnswer[$0]! }.sorted()
        if !rest.isEmpty { groups.append(StructuralGroup(members: rest, key: offered + "|rest")) }
        return groups
    }

    /// Splits one group into its tasks; returns the groups of member indices (noise dropped).
    ///
    /// A group is split only when the content says so clearly: the parts must be well separated
    /// (silhouette at least `minimumSilhouette`) and each must hold a real share of the group.
    /// Agents whose prompt and tools are constant usually do one job whose requests differ in
    /// topic (file names, tickers, cities); cutting them by topic would give several specialists
    /// too little data each, so weak splits are refused and the group stays one task.
    func split(_ indices: [Int], _ vectors: VectorSet) -> [[Int]] {
        let minimum = configuration.minimumClusterSize
        guard indices.count >= 2 * minimum else { return [indices] }
        let sample = Silhouette.sampleIndices(count: indices.count, limit: configuration.maximumGroupSample,
                                              seed: configuration.seed).map { indices[$0] }
        let sampleVectors = vectors.subset(sample)
        let smallestPart = max(minimum, Int(configuration.minimumSplitShare * Double(sample.count)))
        var labels: [Int]
        switch configuration.algorithm {
        case .kmeans:
            labels = KMeans.clusterAutomatically(
                sampleVectors, maxK: 12, minimumSilhouette: configuration.minimumSilhouette,
                minimumClusterSize: smallestPart, seed: configuration.seed
            ).result.assignments
        case .hdbscan:
            labels = HDBSCAN.cluster(sampleVectors, minimumClusterSize: smallestPart)
        }
        let found = Set(labels.filter { $0 >= 0 }).count
        let separation = found < 2 ? 0 : Silhouette.mean(
            sampleVectors, assignments: labels.map { max($0, 0) },
            sample: Silhouette.sampleIndices(count: sample.count, limit: 800, seed: configuration.seed))
        guard found >= 2, separation >= configuration.minimumSilhouette else { return [indices] }
        let k = (labels.max() ?? -1) + 1
        var members = [[Int]](repeating: [], count: k)
        for (position, label) in labels.enumerated() where label >= 0 { members[label].append(sample[position]) }
        let centroids = members.map { vectors.normalizedMean(of: $0) }
        let radii = zip(members, centroids).map { Self.radius(of: $0.0, centroid: $0.1, vectors) }
        // Calls outside the sample join their nearest task when close enough.
        let sampled = Set(sample)
        for i in indices where !sampled.contains(i) {
            let (c, distance) = KMeans.nearest(vectors, i, centroids)
            if distance <= radii[c] { members[c].append(i) }
        }
        return members.filter { !$0.isEmpty }
    }

    /// Merges groups that are the same task seen under different signatures: same structure,
    /// same tools, nearly the same content centroid.
    func merge(_ groups: [StructuralGroup], _ candidates: [ClusterCandidate], _ vectors: VectorSet) -> [[Int]] {
        let centroids = groups.map { vectors.normalizedMean(of: $0.members) }
        let tools = groups.map { Set($0.members.flatMap { candidates[$0].signature.toolNames }) }
        var parent = Array(groups.indices)
        func find(_ x: Int) -> Int { parent[x] == x ? x : find(parent[x]) }
        for a in groups.indices {
            for b in (a + 1)..<groups.count where tools[a] == tools[b] && groups[a].key == groups[b].key {
                var dot: Float = 0
                for d in 0..<vectors.dimension { dot += centroids[a][d] * centroids[b][d] }
                if 1 - dot < configuration.mergeDistance { parent[find(b)] = find(a) }
            }
        }
        var merged: [Int: [Int]] = [:]
        for g in groups.indices { merged[find(g), default: []] += groups[g].members }
        return merged.keys.sorted().map { merged[$0]!.sorted() }
    }

    func finish(_ groups: [[Int]], _ candidates: [ClusterCandidate], _ vectors: VectorSet) -> ClusteringResult {
        let kept = groups.filter { $0.count >= configuration.minimumClusterSize }
            .sorted { a, b in
                let ca = a.reduce(0) { $0 + candidates[$1].count }
                let cb = b.reduce(0) { $0 + candidates[$1].count }
                return ca != cb ? ca > cb : a[0] < b[0]
            }
        let totalCount = max(1, candidates.reduce(0) { $0 + $1.count })
        let totalCost = candidates.reduce(0.0) { $0 + $1.cost }
        let terms = ClassTFIDF.topTerms(kept.map { members in members.prefix(300).map { candidates[$0].text } })
        var assignments = [Int](repeating: -1, count: candidates.count)
        var clusters: [TaskCluster] = []
        for (number, members) in kept.enumerated() {
            for i in members { assignments[i] = number }
            let centroid = vectors.normalizedMean(of: members)
            var toolFrequency: [String: Int] = [:]
            for i in members { for t in candidates[i].signature.toolNames { toolFrequency[t, default: 0] += 1 } }
            let toolNames = toolFrequency.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
            let count = members.reduce(0) { $0 + candidates[$1].count }
            let cost = members.reduce(0.0) { $0 + candidates[$1].cost }
            let labelParts = Array(terms[number].prefix(4)) + toolNames.prefix(3).map { "\($0)()" }
            clusters.append(TaskCluster(
                id: TaskCluster.identifier(number), members: members, centroid: centroid,
                radius: Self.radius(of: members, centroid: centroid, vectors), label: labelParts.joined(separator: " "),
                topTerms: terms[number], toolNames: toolNames,
                signatures: Array(Set(members.map { candidates[$0].signature })).sorted { "\($0)" < "\($1)" },
                count: count, cost: cost, trafficShare: Double(count) / Double(totalCount),
                costShare: totalCost > 0 ? cost / totalCost : 0,
                offered: Set(members.map { candidates[$0].signature.offered }).sorted(),
                answers: Set(members.map { candidates[$0].answer }).sorted()))
        }
        return ClusteringResult(clusters: clusters, assignments: assignments, embedder: embedder.name,
                                algorithm: configuration.algorithm, vectors: vectors)
    }

    /// The routing bound: 1.5× the 95th-percentile member distance, at least 0.05.
    static func radius(of members: [Int], centroid: [Float], _ vectors: VectorSet) -> Float {
        guard !members.isEmpty else { return 0.05 }
        let distances = centroid.withUnsafeBufferPointer { c in members.map { 1 - vectors.dot($0, c) } }.sorted()
        let p95 = distances[min(distances.count - 1, Int(Double(distances.count) * 0.95))]
        return max(0.05, 1.5 * p95)
    }
}

extension TaskCluster {
    /// `c007`: cluster ids sort in traffic order.
    static func identifier(_ number: Int) -> String {
        let digits = String(number)
        return "c" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }
}
