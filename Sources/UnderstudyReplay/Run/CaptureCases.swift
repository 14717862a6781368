import Foundation
import UnderstudyArchive
import UnderstudyDistill
import UnderstudyInference
import UnderstudyWire

/// Replay cases from newer captures (`replay --from captures/NEW`, the paper's S6): the
/// captures go through the run's own stage one (normalize, deduplicate, anonymize, price) into
/// `replay/from-NEW/corpus.jsonl.zst`, then each entry is assigned to a cluster of the run the
/// way serving matches requests: same masked constant-prefix hash, then the nearest centroid
/// within the cluster's radius. Entries no cluster takes are counted as unmatched traffic.
public struct CaptureCases: Sendable {
    public var cases: [ReplayCase]
    /// Recorded calls (duplicates included) per cluster id, and of unmatched calls.
    public var callsByCluster: [String: Int]
    public var costByCluster: [String: Double]
    public var unmatchedCalls: Int
    public var totalCalls: Int
    /// Where the new corpus and verdicts are written.
    public var directory: URL

    /// - Parameters:
    ///   - captures: a capture archive (directory or segment).
    ///   - run: the run whose clusters and specialists are replayed.
    ///   - embedder: the embedder the run clustered with (for the centroid test).
    public static func build(
        captures: URL, run: RunDirectory, embedder: any SentenceEmbedder, anonymizer: AnonymizerConfiguration,
        prices: PriceTable
    ) throws -> CaptureCases {
        let name = "from-" + captures.standardizedFileURL.lastPathComponent.replacingOccurrences(of: ".jsonl.zst", with: "")
        let configuration = StageOneConfiguration(
            inputs: [captures], run: name, runsRoot: run.replayDirectory, force: true, anonymizer: anonymizer,
            prices: prices)
        _ = try StageOne(configuration: configuration).run()
        let directory = run.replayDirectory.appendingPathComponent(name)
        let entries = try Corpus.read(file: directory.appendingPathComponent(Corpus.fileName)).entries
            .filter { $0.variant == 0 && $0.trainable && $0.response != nil }
        let clusters = run.clusters
        var byHash: [String: [Int]] = [:]
        for (i, cluster) in clusters.enumerated() { byHash[cluster.prefixHash, default: []].append(i) }
        let candidates = entries.map(ClusterStage.candidate)
        let vectors = entries.isEmpty ? [] : try embedder.embed(candidates.map(\.embeddingText))
        var out = CaptureCases(cases: [], callsByCluster: [:], costByCluster: [:], unmatchedCalls: 0, totalCalls: 0,
                               directory: directory)
        for (i, entry) in entries.enumerated() {
            out.totalCalls += entry.count
            guard let index = Self.assign(vectors[i], options: byHash[entry.prefixHash] ?? [], clusters: clusters) else {
                out.unmatchedCalls += entry.count
                continue
            }
            let cluster = clusters[index]
            out.callsByCluster[cluster.id, default: 0] += entry.count
            out.costByCluster[cluster.id, default: 0] += entry.costUSD
            let request = ReplayRequest(
                id: entry.id, cluster: cluster.id, system: entry.prefix.system ?? cluster.system,
                tools: entry.prefix.tools.isEmpty ? cluster.tools : entry.prefix.tools.map(\.json),
                messages: entry.varying.map(\.json))
            out.cases.append(ReplayCase(
                request: request, expected: entry.response!, split: "capture", weight: entry.count,
                cost: entry.costUSD > 0 ? entry.costUSD : nil, model: entry.model,
                alternatives: entry.alternatives.map { ($0.response, $0.count) }))
        }
        return out
    }

    /// The nearest cluster among `options` (same prefix hash) whose radius holds the vector.
    /// When the run's centroids were made by another embedder (dimensions differ), a single
    /// option is taken as is.
    static func assign(_ vector: [Float], options: [Int], clusters: [RunCluster]) -> Int? {
        var best: (index: Int, distance: Double)?
        for index in options {
            let centroid = clusters[index].centroid
            guard centroid.count == vector.count else { return options.count == 1 ? index : nil }
            var dot = 0.0
            for k in 0..<vector.count { dot += Double(vector[k]) * Double(centroid[k]) }
            let distance = 1 - dot
            if distance <= clusters[index].radius, best == nil || distance < best!.distance { best = (index, distance) }
        }
        return best?.index
    }
}
