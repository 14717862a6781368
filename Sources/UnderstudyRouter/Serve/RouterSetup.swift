import Foundation
import UnderstudyArchive
import UnderstudyDistill
import UnderstudyInference
import UnderstudyReplay

/// Everything `serve` loads from a distillation run before it listens: the clusters to match
/// against (centroids, radii, signatures), the embedder the run clustered with, the thresholds
/// replay proposed, and one specialist answerer per cluster.
///
/// ```swift
/// let setup = try RouterSetup.load(run: URL(fileURLWithPath: "distill/runs/r1"), target: .inProcess)
/// let router = setup.router(policies: PolicyTable(defaultPolicy: .on))
/// ```
public struct RouterSetup: Sendable {
    public enum Target: Sendable, Equatable {
        /// The run's specialists, in this process.
        case inProcess
        /// An OpenAI-compatible server; model name `{cluster}` replaced per call.
        case endpoint(URL, model: String)
    }

    public let run: RunDirectory
    public let matcher: ClusterMatcher
    public var thresholds: ThresholdTable
    public let answerers: [String: any SpecialistAnswerer]
    public let embedder: any SentenceEmbedder
    /// Said once at start (hashing embedder refitted, specialists not loadable…).
    public var warnings: [String]

    public static func load(
        run url: URL, target: Target, embeddingModel: String? = nil, budgetSeconds: Double = 2
    ) throws -> RouterSetup {
        let run: RunDirectory
        do { run = try RunDirectory(url: url) } catch { throw RouterError("\(error)") }
        var warnings: [String] = []
        let embedder = try Self.embedder(run: run, explicit: embeddingModel, warnings: &warnings)
        let toolNames = Self.clusterStrings("tool_names", run: run)
        let offered = Self.clusterStrings("tools_offered", run: run)
        let matcher = ClusterMatcher(
            clusters: run.clusters.map { MatchableCluster($0, toolNames: toolNames[$0.id], offered: offered[$0.id] ?? []) },
            embedder: embedder)
        let thresholds = try ThresholdTable(runDirectory: url)
        if thresholds.source == nil {
            warnings.append("\(url.path)/replay/thresholds.json is missing: no cluster will be answered by a specialist (run `understudy replay --run \(run.name)`); shadow still works")
        }
        var answerers: [String: any SpecialistAnswerer] = [:]
        switch target {
        case .inProcess:
            for (cluster, directory) in run.specialists {
                answerers[cluster] = InProcessSpecialists.answerer(cluster: cluster, directory: directory)
            }
            if run.specialists.isEmpty { warnings.append("the run has no trained specialists: every call goes upstream") }
        case .endpoint(let endpoint, let model):
            let answerer = EndpointAnswerer(url: endpoint, model: model, timeoutSeconds: max(budgetSeconds, 30))
            for cluster in run.clusters { answerers[cluster.id] = answerer }
        }
        return RouterSetup(run: run, matcher: matcher, thresholds: thresholds, answerers: answerers,
                           embedder: embedder, warnings: warnings)
    }

    /// The embedder the run clustered with, so live requests land where their recorded twins did.
    static func embedder(run: RunDirectory, explicit: String?, warnings: inout [String]) throws -> any SentenceEmbedder {
        if let name = run.embedder, name.hasPrefix("hashing") {
            let dimension = Int(name.split(separator: "-").last ?? "") ?? 1024
            // Distillation fitted IDF on the whole corpus; refit it on the run's datasets.
            let texts = Self.datasetTexts(run: run)
            return texts.isEmpty ? HashingEmbedder(dimension: dimension) : HashingEmbedder(dimension: dimension).fitted(on: texts)
        }
        do {
            return try EmbedderChoice.make(modelPath: explicit, allowHashing: false).embedder
        } catch {
            throw RouterError("the run was clustered with \(run.embedder ?? "an unknown embedder") but its model is not available here (\(error)); give --embedding-model PATH")
        }
    }

    /// A list of strings of each cluster in `clusters.json`: `tool_names` (every tool its calls
    /// offered), `tools_offered` (how many: none, one, several).
    static func clusterStrings(_ member: String, run: RunDirectory) -> [String: [String]] {
        guard let data = FileManager.default.contents(atPath: run.url.appendingPathComponent("clusters.json").path),
            let root = try? JSONValue(parsing: [UInt8](data))
        else { return [:] }
        var out: [String: [String]] = [:]
        for entry in root["clusters"]?.arrayValue ?? [] {
            guard let id = entry["id"]?.stringValue, let names = entry[member]?.arrayValue else { continue }
            out[id] = names.compactMap(\.stringValue)
        }
        return out
    }

    /// The embedding texts of the run's dataset lines (for refitting the hashing embedder).
    static func datasetTexts(run: RunDirectory) -> [String] {
        guard let cases = try? run.cases(split: .all) else { return [] }
        return cases.map { replayCase in
            let messages = replayCase.request.messages.compactMap(CanonicalMessageJSON.message)
            let tools = replayCase.request.tools.compactMap { $0["name"]?.stringValue }
            let signature = TaskSignature(api: "", model: "", systemHash: "", toolNames: tools)
            return ClusterCandidate(id: "", signature: signature, text: ClusterStage.text(of: messages)).embeddingText
        }
    }

    /// The router for these settings.
    public func router(
        policies: PolicyTable, stats: RouterStats = RouterStats(), ledger: ShadowLedger = ShadowLedger(),
        budgetSeconds: Double = 2
    ) -> SpecialistRouter {
        SpecialistRouter(
            matcher: matcher, policies: policies, thresholds: thresholds, answerers: answerers, ledger: ledger,
            stats: stats, budgetSeconds: budgetSeconds)
    }
}
