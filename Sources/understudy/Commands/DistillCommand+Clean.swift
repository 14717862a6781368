import ArgumentParser
import Foundation
import UnderstudyArchive
import UnderstudyDistill

/// `understudy distill clean`: stage one, normalize → deduplicate → anonymize.
struct DistillCleanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean",
        abstract: "Normalize, deduplicate and anonymize captures into a run's corpus (stage one).",
        discussion: """
            Writes distill/runs/RUN/corpus.jsonl.zst and stage1.json (counts by exclusion \
            reason, duplicates, entities by type, timings; never values). The anonymization \
            key comes from UNDERSTUDY_ANON_KEY, UNDERSTUDY_ANON_KEY_FILE or --key-file and is \
            never stored with the data; without one, a random key makes surrogates consistent \
            within this run only.

            Example:
              understudy distill clean --from captures/prod --run r1 --key-file ~/.understudy/anon.key
            """)

    @OptionGroup var options: CleanOptions

    func run() async throws {
        let report = try options.runStageOne()
        if options.json {
            print(report.json.serialized())
        } else {
            Self.printSummary(report)
        }
    }

    static func printSummary(_ report: StageOneReport) {
        let excluded = report.excluded.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map {
            "\($0.key.rawValue) \($0.value)"
        }
        print(
            "read \(report.read) exchanges; \(report.normalized) normalized, \(report.excludedTotal) excluded"
                + (excluded.isEmpty ? "" : " (\(excluded.joined(separator: ", ")))"))
        if report.keptRaw > 0 { print("\(report.keptRaw) calls of unknown providers kept raw (not for training)") }
        if report.capped > 0 { print("\(report.capped) exchanges had messages cut to the size cap") }
        for issue in report.archiveIssues where issue.losesData { print("skipped: \(issue)") }
        print(
            "duplicates: \(report.exactDuplicates) exact, \(report.nearDuplicates) near; \(report.entries) corpus entries"
                + (report.variants > 0 ? " (with \(report.variants) augmentation variants each)" : ""))
        let entities = EntityType.allCases.sorted().filter { report.entities[$0] > 0 }.map {
            "\($0.rawValue) \(report.entities[$0])"
        }
        print(
            "anonymized (\(report.mode.rawValue)): "
                + (entities.isEmpty ? "nothing found" : entities.joined(separator: ", ")))
        print("wrote \(report.run): corpus.jsonl.zst, stage1.json")
    }
}

/// Options of stage one, shared by `distill` (all stages) and `distill clean`.
struct CleanOptions: ParsableArguments {
    @Option(name: .customLong("from"), help: "A capture archive (directory or segment); repeat for several.")
    var inputs: [String] = []
    @Option(help: "Name of the run (a folder under --runs).") var run: String
    @Option(help: "Folder holding runs.") var runs = "distill/runs"
    @Flag(help: "Replace an existing run (atomically).") var force = false
    @Option(help: "surrogate (realistic, consistent values) or placeholder (<EMAIL_1> tags).") var mode = "surrogate"
    @Option(help: "File holding the anonymization key (else UNDERSTUDY_ANON_KEY / UNDERSTUDY_ANON_KEY_FILE).")
    var keyFile: String?
    @Option(help: "Jaccard similarity from which two requests are near duplicates.") var nearThreshold = 0.9
    @Flag(help: "Collapse exact duplicates only.") var noNearDedup = false
    @Option(help: "MinHash permutations.") var numPerm = 128
    @Option(help: "Words per shingle for near-duplicate detection.") var shingle = 3
    @Option(help: "Minimum confidence for person names (0…1).") var personThreshold = 0.5
    @Option(help: "Minimum confidence for street addresses (0…1).") var addressThreshold = 0.5
    @Option(help: "Longest message text kept, in bytes; longer ones are cut and counted.") var maxMessageBytes =
        32 * 1024
    @Option(help: "JSON price table (USD per 1M tokens by model prefix) for recorded cost.") var prices: String?
    @Option(help: "Augmentation: also write K variants of each entry with re-drawn surrogates.") var augment = 0
    @Flag(help: "Print the summary as JSON.") var json = false

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one capture archive with --from") }
        guard AnonymizationMode(rawValue: mode) != nil else {
            throw ValidationError("--mode must be surrogate or placeholder, not \(mode)")
        }
        guard nearThreshold > 0 && nearThreshold <= 1 else {
            throw ValidationError("--near-threshold must be in (0, 1]")
        }
        guard numPerm >= 8 && numPerm <= 1024 else { throw ValidationError("--num-perm must be between 8 and 1024") }
        guard shingle >= 1 else { throw ValidationError("--shingle must be at least 1") }
        guard augment >= 0 && augment <= 16 else { throw ValidationError("--augment must be between 0 and 16") }
        guard maxMessageBytes >= 256 else { throw ValidationError("--max-message-bytes must be at least 256") }
    }

    func configuration() throws -> StageOneConfiguration {
        let key: [UInt8]?
        do { key = try AnonymizerConfiguration.loadKey(keyFile: keyFile) } catch { throw CLIError("\(error)") }
        let anonymizer = AnonymizerConfiguration(
            mode: AnonymizationMode(rawValue: mode)!, key: key,
            thresholds: [.person: personThreshold, .streetAddress: addressThreshold])
        let table: PriceTable
        do { table = try prices.map(PriceTable.load(path:)) ?? PriceTable() } catch { throw CLIError("\(error)") }
        return StageOneConfiguration(
            inputs: inputs.map { URL(fileURLWithPath: $0) }, run: run, runsRoot: URL(fileURLWithPath: runs),
            force: force,
            anonymizer: anonymizer,
            dedup: DedupConfiguration(
                threshold: nearThreshold, permutations: numPerm, shingleSize: shingle, nearDuplicates: !noNearDedup),
            maximumMessageBytes: maxMessageBytes, prices: table, variants: augment)
    }

    func runStageOne() throws -> StageOneReport {
        let stage = StageOne(configuration: try configuration())
        let progress = DistillProgress()
        defer { progress.finish() }
        do {
            return try stage.run { progress.update($0) }
        } catch let error as DistillError {
            throw CLIError(error.description)
        }
    }
}
