import ArgumentParser
import UnderstudyArchive

/// `understudy distill`: from capture archives to per-task datasets. Without a subcommand it
/// runs every stage; each stage also runs on its own (`clean`, `cluster`), and `clusters` shows
/// a run's tasks.
struct DistillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distill",
        abstract: "Distill capture archives into a clean corpus, task clusters and datasets.",
        discussion: """
            Stage one (`clean`) normalizes, deduplicates and anonymizes captures into \
            distill/runs/RUN/corpus.jsonl.zst and stage1.json; stage two (`cluster`) finds \
            the tasks and writes their datasets.

            Examples:
              understudy distill --from captures/prod --run r1
              understudy distill clean --from captures/prod --run r1 --mode placeholder
              understudy distill cluster --run r1
              understudy distill datasets --run r1 --test-share 0.2
              understudy distill clusters --run r1
            """,
        subcommands: [
            DistillAllCommand.self, DistillCleanCommand.self, DistillClusterCommand.self, DistillDatasetsCommand.self,
            DistillClustersCommand.self,
            DistillProbeCommand.self,
        ],
        defaultSubcommand: DistillAllCommand.self
    )
}

/// `understudy distill [all] --from … --run …`: every stage in order.
struct DistillAllCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Run every distillation stage (the default): clean, then cluster.",
        discussion: """
            Example:
              understudy distill --from captures/prod --run r1
            """)

    @OptionGroup var clean: CleanOptions
    @Option(help: "Clustering algorithm for stage two: hdbscan (default) or kmeans.") var algorithm: String?
    @Option(help: "Smallest number of calls that counts as a task (default 5).") var minClusterSize: Int?
    @Option(help: "all-MiniLM-L6-v2 model directory (default: found in .venv).") var embeddingModel: String?
    @Flag(help: "Use the hashing embedder even when the embedding model is present.") var hashingEmbedder = false

    func run() async throws {
        let report = try clean.runStageOne()
        var arguments = ["--run", clean.run]
        if let runs = clean.runs { arguments += ["--runs", runs] }
        if let config = clean.config { arguments += ["--config", config] }
        if let algorithm { arguments += ["--algorithm", algorithm] }
        if let minClusterSize { arguments += ["--min-cluster-size", String(minClusterSize)] }
        if let embeddingModel { arguments += ["--embedding-model", embeddingModel] }
        if hashingEmbedder { arguments.append("--hashing-embedder") }
        let (summary, _) = try ClusterOptions.parse(arguments).runStageTwo()
        if clean.json {
            print(
                JSONValue.object([JSONMember("stage1", report.json), JSONMember("stage2", summary.json)]).serialized())
        } else {
            DistillCleanCommand.printSummary(report)
            print(
                "stage two: \(summary.clustering.clusters.count) clusters, \(summary.clustering.noiseCount) calls left as noise"
            )
        }
    }
}
