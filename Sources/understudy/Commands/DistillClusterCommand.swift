import ArgumentParser
import Foundation
import UnderstudyArchive
import UnderstudyDistill

/// `understudy distill cluster`: stage two, from a run's corpus to tasks and their datasets.
struct DistillClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Cluster a run's corpus into recurring tasks and write each task's datasets.",
        discussion: """
            Reads distill/runs/RUN/corpus.jsonl.zst (from `understudy distill clean`), embeds the varying part of
            each call (all-MiniLM-L6-v2 from .venv, or the hashing embedder), clusters by structural signature
            (agent, tools offered, answer kind where conversations keep it) then by content, and writes clusters.json, assignments.jsonl and clusters/ID/{train,val,test}.jsonl.

            Example:
              understudy distill cluster --run r1 --algorithm hdbscan
            """)

    @OptionGroup var options: ClusterOptions
    @Flag(help: "Print the summary as JSON.") var json = false

    func run() async throws {
        let (summary, runDirectory) = try options.runStageTwo()
        if json {
            print(summary.json.serialized())
        } else {
            print(ClusterTable.render(try ClusterIndex.load(run: runDirectory)))
            print("\(summary.clustering.clusters.count) clusters, \(summary.clustering.noiseCount) calls left as noise, "
                + "embedder \(summary.clustering.embedder), \(String(format: "%.1f", summary.seconds)) s")
        }
    }
}

/// Options of stage two, shared by `distill` (all stages) and `distill cluster`. Unset options fall
/// back to `[distill]` of understudy.toml, then to the defaults named in their help.
struct ClusterOptions: ParsableArguments {
    @Option(help: "Name of the run (a folder under --runs).") var run: String
    @Option(help: "Folder holding runs (default distill/runs).") var runs: String?
    @Option(help: "Settings file (default ./understudy.toml when present): [distill] section.") var config: String?
    @Option(help: "Clustering algorithm: hdbscan (default) or kmeans.") var algorithm: String?
    @Option(help: "Smallest number of calls that counts as a task (default 5).") var minClusterSize: Int?
    @Option(help: "all-MiniLM-L6-v2 model directory (default: found in .venv).") var embeddingModel: String?
    @Flag(help: "Use the hashing embedder even when the model is present.") var hashingEmbedder = false
    @Option(help: ArgumentHelp("Write each clustered call's embedding as JSONL here (for evaluation).", visibility: .hidden))
    var exportEmbeddings: String?

    func validate() throws {
        if let algorithm, ClusteringConfiguration.Algorithm(rawValue: algorithm) == nil {
            throw ValidationError("--algorithm must be hdbscan or kmeans, not \(algorithm)")
        }
        if let minClusterSize, minClusterSize < 2 { throw ValidationError("--min-cluster-size must be at least 2") }
    }

    /// `[distill]` of the settings file (empty when there is none).
    func fileSettings() throws -> UnderstudyConfiguration.Distill {
        try UnderstudyConfiguration.load(path: config).distill
    }

    func runDirectory(_ file: UnderstudyConfiguration.Distill) -> URL {
        URL(fileURLWithPath: runs ?? file.runs ?? "distill/runs").appendingPathComponent(run, isDirectory: true)
    }

    /// Stage two over the run's corpus; returns its summary and the run directory it wrote.
    func runStageTwo() throws -> (summary: ClusterStage.Summary, runDirectory: URL) {
        let file = try fileSettings()
        let runDirectory = runDirectory(file)
        let corpusFile = runDirectory.appendingPathComponent(Corpus.fileName)
        let entries = try Corpus.read(file: corpusFile).entries
        let embedder: any SentenceEmbedder
        if hashingEmbedder || file.hashingEmbedder == true {
            embedder = HashingEmbedder()
        } else {
            let choice = try EmbedderChoice.make(modelPath: embeddingModel ?? file.embeddingModel, allowHashing: true)
            if let warning = choice.warning { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            embedder = choice.embedder
        }
        let configuration = ClusteringConfiguration(
            algorithm: ClusteringConfiguration.Algorithm(rawValue: algorithm ?? file.algorithm ?? "hdbscan") ?? .hdbscan,
            minimumClusterSize: minClusterSize ?? file.minClusterSize ?? 5)
        let summary = try ClusterStage(clustering: configuration, embedder: embedder)
            .run(entries: entries, runDirectory: runDirectory, exportEmbeddings: exportEmbeddings.map { URL(fileURLWithPath: $0) })
        return (summary, runDirectory)
    }
}

import UnderstudyInference
