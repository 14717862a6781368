import Foundation
import UnderstudyArchive

/// Distillation step three on its own: the per-cluster datasets rebuilt from a run's corpus and
/// its stored clustering (`clusters.json`, `assignments.jsonl`), without embedding or clustering
/// again, e.g. to split with other shares or another seed. `ClusterStage` writes the same files
/// right after clustering.
///
/// ```swift
/// let summary = try DatasetStage(split: ConversationSplit(testShare: 0.2)).run(runDirectory: runURL)
/// ```
public struct DatasetStage: Sendable {
    public var split: ConversationSplit

    public init(split: ConversationSplit = ConversationSplit()) {
        self.split = split
    }

    public func run(runDirectory: URL) throws -> DatasetWriter.Summary {
        let corpusFile = runDirectory.appendingPathComponent(Corpus.fileName)
        guard FileManager.default.fileExists(atPath: corpusFile.path) else {
            throw DistillError("\(corpusFile.path) does not exist: run `understudy distill clean` first")
        }
        let usable = try Corpus.read(file: corpusFile).entries.filter(ClusterStage.isClusterable)
        let clustering = try Self.storedClustering(runDirectory: runDirectory, ids: usable.map(\.id))
        return try DatasetWriter(split: split)
            .write(to: runDirectory, clustering: clustering, examples: usable.map(ClusterStage.example))
    }

    /// The clustering `ClusterStage` wrote, in the order of `ids` (the clustered corpus entries).
    /// Fails, naming the file, when it does not match the corpus (clustered before a new `clean`).
    static func storedClustering(runDirectory: URL, ids: [String]) throws -> ClusteringResult {
        let indexFile = runDirectory.appendingPathComponent("clusters.json")
        let assignmentsFile = runDirectory.appendingPathComponent("assignments.jsonl")
        let rerun = "run `understudy distill cluster --run \(runDirectory.lastPathComponent)`"
        guard let indexData = FileManager.default.contents(atPath: indexFile.path),
            let assignmentData = FileManager.default.contents(atPath: assignmentsFile.path)
        else { throw DistillError("\(runDirectory.path) has no clusters.json or assignments.jsonl: \(rerun) first") }
        let index: JSONValue
        do { index = try JSONValue(parsing: Array(indexData)) } catch {
            throw DistillError("\(indexFile.path) is not valid JSON (\(error)); \(rerun) again")
        }
        var clusters: [TaskCluster] = []
        var position: [String: Int] = [:]
        for (i, c) in (index["clusters"]?.arrayValue ?? []).enumerated() {
            guard let id = c["id"]?.stringValue else { throw DistillError("\(indexFile.path): cluster \(i) has no id") }
            position[id] = i
            clusters.append(TaskCluster(
                id: id, members: [], centroid: (c["centroid"]?.arrayValue ?? []).map { Float($0.doubleValue ?? 0) },
                radius: Float(c["radius"]?.doubleValue ?? 0), label: c["label"]?.stringValue ?? "",
                topTerms: (c["top_terms"]?.arrayValue ?? []).compactMap(\.stringValue),
                toolNames: (c["tool_names"]?.arrayValue ?? []).compactMap(\.stringValue), signatures: [],
                count: c["count"]?.intValue ?? 0, cost: c["cost"]?.doubleValue ?? 0,
                trafficShare: c["traffic_share"]?.doubleValue ?? 0, costShare: c["cost_share"]?.doubleValue ?? 0,
                offered: (c["tools_offered"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(CallShape.Offered.init) },
                answers: (c["answers"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(CallShape.Answer.init) }))
        }
        var clusterOf: [String: Int] = [:]
        for (number, line) in Array(assignmentData).split(separator: 0x0A).enumerated() {
            guard let record = try? JSONValue(parsing: Array(line)), let id = record["id"]?.stringValue else {
                throw DistillError("\(assignmentsFile.path): line \(number + 1) is not an assignment; \(rerun) again")
            }
            guard let cluster = record["cluster"]?.stringValue else { clusterOf[id] = -1; continue }
            guard let index = position[cluster] else {
                throw DistillError("\(assignmentsFile.path): line \(number + 1) names cluster \(cluster), which clusters.json lacks")
            }
            clusterOf[id] = index
        }
        var assignments: [Int] = []
        for (i, id) in ids.enumerated() {
            guard let c = clusterOf[id] else {
                throw DistillError("\(assignmentsFile.path) has no line for corpus entry \(id): the corpus changed since clustering; \(rerun) again")
            }
            assignments.append(c)
            if c >= 0 { clusters[c].members.append(i) }
        }
        return ClusteringResult(
            clusters: clusters, assignments: assignments, embedder: index["embedder"]?.stringValue ?? "",
            algorithm: ClusteringConfiguration.Algorithm(rawValue: index["algorithm"]?.stringValue ?? "") ?? .hdbscan,
            vectors: VectorSet(dimension: 1))
    }
}
