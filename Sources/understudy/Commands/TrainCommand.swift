import ArgumentParser
import Foundation

/// `understudy train`: trains one specialist per cluster of a distillation run by driving the
/// Python engine (`distill/trainer`) in the project's `.venv`, showing its progress.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a specialist model for each cluster of a distillation run.",
        discussion: """
            Runs `.venv/bin/python -m distill.trainer` from the repository root (found from the run directory, \
            the current directory or $UNDERSTUDY_HOME) and shows one progress line per cluster. Specialists \
            land in distill/runs/RUN/specialists/ID/ (a Hugging Face model directory + specialist.json); \
            distill/runs/RUN/train.json lists every cluster, trained or skipped with the reason; the \
            trainer's own log is distill/runs/RUN/train.log.

            Recipes (distill/recipes/): scratch (a small Llama trained from scratch on CPU, at most 3 \
            minutes per cluster), lora and full (fine-tune --base, for GPUs; distill/README.md shows \
            multi-GPU runs under accelerate or torchrun).

            Examples:
              understudy train --run r1
              understudy train --run r1 --cluster c003 --max-minutes 2
              understudy train --run r1 --recipe lora --base /models/Qwen2.5-0.5B-Instruct --json
            """
    )

    @Option(help: "Run name (distill/runs/NAME) or path to a run directory.")
    var run: String

    @Option(name: .customLong("cluster"), help: "Cluster id to train; repeatable. Default: every cluster.")
    var clusters: [String] = []

    @Option(help: "scratch, lora or full.")
    var recipe: String = "scratch"

    @Option(help: "Base causal LM for lora/full: a local directory or a cached Hugging Face hub id.")
    var base: String?

    @Option(help: "Training time cap per cluster in minutes (default: the recipe's; scratch: 3).")
    var maxMinutes: Double?

    @Option(help: "Step cap per cluster (default: the recipe's).")
    var maxSteps: Int?

    @Option(help: "Skip clusters with fewer training examples than this (default: the recipe's, 20).")
    var minExamples: Int?

    @Option(help: "Random seed; the same seed gives the same model on CPU.")
    var seed: Int = 0

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Override a recipe setting for this run, e.g. --set retrieval_hint=0; repeatable. specialist.json "
                + "records every setting used (recipe_settings) and the overridden ones (recipe_overrides).",
            valueName: "key=json"))
    var overrides: [String] = []

    @Flag(help: "Print the run's training summary (train.json) as JSON on stdout.")
    var json = false

    func validate() throws {
        guard ["scratch", "lora", "full"].contains(recipe) else {
            throw ValidationError("--recipe must be scratch, lora or full (got \(recipe))")
        }
        if recipe != "scratch" && base == nil {
            throw ValidationError("--recipe \(recipe) needs --base PATH|HUB_ID (the model to fine-tune)")
        }
        if let maxMinutes, maxMinutes <= 0 { throw ValidationError("--max-minutes must be positive") }
        if let maxSteps, maxSteps <= 0 { throw ValidationError("--max-steps must be positive") }
        for override in overrides {
            // The trainer checks the same (distill/trainer/recipe.py parse_set, the same message);
            // checking here names the mistake before it starts. null is no setting's value.
            let parts = override.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = Data((parts.count == 2 ? parts[1] : "").utf8)
            let parsed = try? JSONSerialization.jsonObject(with: value, options: .fragmentsAllowed)
            guard parts.count == 2, !parts[0].isEmpty, let parsed, !(parsed is NSNull) else {
                throw ValidationError(
                    "--set \(override): expected KEY=JSON, the value JSON: a number, true, false, a quoted "
                        + "string, an object")
            }
        }
    }

    func run() async throws {
        let trainer = try TrainerProcess.locate(run: run)
        try trainer.checkEnvironment()
        var arguments = ["--run-dir", trainer.runDirectory.path, "--recipe", recipe, "--seed", String(seed)]
        for cluster in clusters { arguments += ["--cluster", cluster] }
        if let base { arguments += ["--base", base] }
        if let maxMinutes { arguments += ["--max-minutes", String(maxMinutes)] }
        if let maxSteps { arguments += ["--max-steps", String(maxSteps)] }
        if let minExamples { arguments += ["--min-examples", String(minExamples)] }
        for override in overrides { arguments += ["--set", override] }

        var progress = TrainProgress()
        let outcome = try trainer.run(arguments) { event in
            if let line = progress.line(for: event) {
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
        }
        if outcome.status != 0 {
            let reason = progress.lastError ?? "the trainer exited with status \(outcome.status)"
            throw CLIError("training failed: \(reason)\n  log: \(trainer.logURL.path)")
        }
        let summaryURL = trainer.runDirectory.appendingPathComponent("train.json")
        guard let summary = try? Data(contentsOf: summaryURL) else {
            throw CLIError("the trainer finished but wrote no \(summaryURL.path); log: \(trainer.logURL.path)")
        }
        if json {
            FileHandle.standardOutput.write(summary)
        } else {
            print(try TrainSummaryTable.render(summary, only: Set(progress.clustersSeen)))
        }
    }
}
