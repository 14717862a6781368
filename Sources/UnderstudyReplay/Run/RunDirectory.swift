import Foundation
import UnderstudyArchive
import UnderstudyWire

/// A distillation run directory `distill/runs/RUN/` read for replay: its clusters, their
/// datasets and which clusters have a trained specialist.
///
/// ```swift
/// let run = try RunDirectory(url: URL(fileURLWithPath: "distill/runs/r1"))
/// let cases = try run.cases(split: .test)
/// run.specialists      // ["c001": …/specialists/c001]
/// ```
public struct RunDirectory: Sendable {
    public enum Selection: String, Sendable {
        /// The held-out test split of every cluster.
        case test
        /// All traffic: train, val and test.
        case all
    }

    public let url: URL
    public var name: String { url.lastPathComponent }
    public let clusters: [RunCluster]
    /// Recorded calls left unclustered (they stay on the big model).
    public let noiseCount: Int
    public let noiseShare: Double
    /// The embedder clustering used ("all-MiniLM-L6-v2", "hashing-1024").
    public let embedder: String?
    /// Cluster id → specialist directory, for clusters that have one.
    public let specialists: [String: URL]

    public init(url: URL) throws {
        self.url = url
        let indexURL = url.appendingPathComponent("clusters.json")
        let index = try Self.readJSON(indexURL, what: "the run's cluster index (run `understudy distill` first)")
        var clusters: [RunCluster] = []
        for entry in index["clusters"]?.arrayValue ?? [] {
            guard var cluster = RunCluster(index: entry) else { continue }
            let detailURL = url.appendingPathComponent("clusters/\(cluster.id)/cluster.json")
            if FileManager.default.fileExists(atPath: detailURL.path) {
                let detail = try Self.readJSON(detailURL, what: "cluster \(cluster.id)")
                cluster.system = detail["system"]?.stringValue
                cluster.tools = detail["tools"]?.arrayValue ?? []
                if cluster.prefixHash.isEmpty { cluster.prefixHash = detail["prefix_hash"]?.stringValue ?? "" }
            }
            clusters.append(cluster)
        }
        self.clusters = clusters
        noiseCount = index["noise"]?["count"]?.intValue ?? 0
        noiseShare = index["noise"]?["traffic_share"]?.doubleValue ?? 0
        embedder = index["embedder"]?.stringValue
        var specialists: [String: URL] = [:]
        for cluster in clusters {
            let directory = url.appendingPathComponent("specialists/\(cluster.id)")
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("specialist.json").path) {
                specialists[cluster.id] = directory
            }
        }
        self.specialists = specialists
    }

    public var replayDirectory: URL { url.appendingPathComponent("replay") }
    public var reportDirectory: URL { url.appendingPathComponent("report") }

    /// The recorded exchanges to replay, cluster by cluster, joined with the corpus (counts,
    /// cost, model, alternatives) when `corpus` is given.
    public func cases(split selection: Selection, corpus: CorpusIndex? = nil) throws -> [ReplayCase] {
        var out: [ReplayCase] = []
        let parts = selection == .test ? ["test"] : ["train", "val", "test"]
        for cluster in clusters {
            for part in parts {
                let file = url.appendingPathComponent("clusters/\(cluster.id)/\(part).jsonl")
                guard FileManager.default.fileExists(atPath: file.path) else { continue }
                let data = try Self.read(file, what: "the \(part) split of cluster \(cluster.id)")
                var lineNumber = 0
                for line in data.split(separator: 0x0A, omittingEmptySubsequences: true) {
                    lineNumber += 1
                    let value: JSONValue
                    do {
                        value = try JSONValue(parsing: line)
                    } catch {
                        throw ReplayError("\(file.path):\(lineNumber): not JSON (\(error))")
                    }
                    guard let id = value["id"]?.stringValue, let target = value["target"],
                        let expected = CanonicalResponse(json: target)
                    else { throw ReplayError("\(file.path):\(lineNumber): a dataset line needs id and target") }
                    let request = ReplayRequest(
                        id: id, cluster: cluster.id, system: cluster.system,
                        tools: value["tools"]?.arrayValue ?? cluster.tools, messages: value["messages"]?.arrayValue ?? [])
                    var replayCase = ReplayCase(
                        request: request, expected: expected, split: part, weight: max(1, value["weight"]?.intValue ?? 1))
                    if let entry = corpus?.entries[id] {
                        replayCase.cost = entry.cost
                        replayCase.model = entry.model
                        replayCase.alternatives = entry.alternatives
                    }
                    if replayCase.cost == nil, cluster.cost > 0, cluster.count > 0 {
                        // No per-call cost: the cluster's average cost per recorded call.
                        replayCase.cost = cluster.cost / Double(cluster.count) * Double(replayCase.weight)
                    }
                    out.append(replayCase)
                }
            }
        }
        return out
    }

    static func read(_ url: URL, what: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ReplayError("cannot read \(url.path): \(what) is missing or unreadable")
        }
        return [UInt8](data)
    }

    static func readJSON(_ url: URL, what: String) throws -> JSONValue {
        let bytes = try read(url, what: what)
        do {
            return try JSONValue(parsing: bytes)
        } catch {
            throw ReplayError("\(url.path) is not valid JSON (\(error.reason) at byte \(error.offset)): \(what)")
        }
    }
}
