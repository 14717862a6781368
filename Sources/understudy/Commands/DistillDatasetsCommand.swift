import ArgumentParser
import Foundation
import UnderstudyArchive
import UnderstudyDistill

/// `understudy distill datasets`: step three on its own, the per-cluster datasets rebuilt from a
/// run's corpus and stored clustering (e.g. with other split shares), without clustering again.
struct DistillDatasetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets",
        abstract: "Write each task's train/val/test datasets from a run's corpus and clustering.",
        discussion: """
            `understudy distill cluster` already writes them; this step rewrites them from clusters.json and \
            assignments.jsonl, with conversation-grouped splits (turns of one conversation never straddle \
            splits), as the trainer's JSONL and OpenAI fine-tune JSONL under distill/runs/RUN/clusters/ID/.

            Example:
              understudy distill datasets --run r1 --test-share 0.2 --val-share 0.1
            """)

    @Option(help: "Name of the run (a folder under --runs).") var run: String
    @Option(help: "Folder holding runs (default [distill] runs of understudy.toml, else distill/runs).") var runs: String?
    @Option(help: "Settings file (default ./understudy.toml when present).") var config: String?
    @Option(help: "Share of conversations held out for validation.") var valShare = 0.1
    @Option(help: "Share of conversations held out for testing (replay measures coverage on them).") var testShare = 0.15
    @Option(help: "Seed of the split; the same seed puts a conversation in the same split in every run.")
    var seed = "understudy-split-v1"
    @Flag(help: "Print the counts per cluster and split as JSON.") var json = false

    func validate() throws {
        guard valShare >= 0, testShare >= 0, valShare + testShare < 1 else {
            throw ValidationError("--val-share and --test-share must be ≥ 0 and leave some training data (sum < 1)")
        }
    }

    func run() async throws {
        let folder = try runs ?? UnderstudyConfiguration.load(path: config).distill.runs ?? "distill/runs"
        let directory = URL(fileURLWithPath: folder).appendingPathComponent(run, isDirectory: true)
        let split = ConversationSplit(validationShare: valShare, testShare: testShare, seed: seed)
        let summary: DatasetWriter.Summary
        do { summary = try DatasetStage(split: split).run(runDirectory: directory) } catch let error as DistillError {
            throw CLIError(error.description)
        }
        if json {
            let clusters: [JSONValue] = summary.clusters.map {
                ["id": .string($0.id), "train": .int($0.train), "val": .int($0.val), "test": .int($0.test)]
            }
            print(JSONValue.object([JSONMember("clusters", .array(clusters)), JSONMember("noise", .int(summary.noise))]).serialized())
        } else {
            for c in summary.clusters { print("\(c.id): train \(c.train), val \(c.val), test \(c.test)") }
            print("wrote \(summary.clusters.count) datasets under \(directory.path)/clusters; \(summary.noise) calls left as noise")
        }
    }
}
