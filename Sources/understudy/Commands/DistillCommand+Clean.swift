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

/// Options of stage one, shared by `distill` (all stages) and `distill clean`. Unset options fall
/// back to `[distill]` of understudy.toml, then to the defaults named in their help.
struct CleanOptions: ParsableArguments {
    @Option(name: .customLong("from"), help: "A capture archive (directory or segment); repeat for several.")
    var inputs: [String] = []
    @Option(help: "Name of the run (a folder under --runs).") var run: String
    @Option(help: "Folder holding runs (default distill/runs).") var runs: String?
    @Option(help: "Settings file (default ./understudy.toml when present): [distill] section.") var config: String?
    @Flag(help: "Replace an existing run (atomically).") var force = false
    @Option(help: "surrogate (realistic, consistent values; the default) or placeholder (<EMAIL_1> tags).")
    var mode: String?
    @Option(help: "File holding the anonymization key (else UNDERSTUDY_ANON_KEY / UNDERSTUDY_ANON_KEY_FILE).")
    var keyFile: String?
    @Option(help: "Jaccard similarity from which two requests are near duplicates (default 0.9).")
    var nearThreshold: Double?
    @Flag(help: "Collapse exact duplicates only.") var noNearDedup = false
    @Option(help: "MinHash permutations (default 128).") var numPerm: Int?
    @Option(help: "Words per shingle for near-duplicate detection (default 3).") var shingle: Int?
    @Option(help: "Minimum confidence for person names, 0…1 (default 0.5).") var personThreshold: Double?
    @Option(help: "Minimum confidence for street addresses, 0…1 (default 0.5).") var addressThreshold: Double?
    @Option(help: "Longest message text kept, in bytes; longer ones are cut and counted (default 32768).")
    var maxMessageBytes: Int?
    @Option(help: "JSON price table (USD per 1M tokens by model prefix) for recorded cost.") var prices: String?
    @Option(help: "Augmentation: also write K variants of each entry with re-drawn surrogates (default 0).")
    var augment: Int?
    @Option(help: "Threads that anonymize (default: the machine's cores; the corpus is the same for any number).")
    var threads: Int?
    @Flag(help: "Print the summary as JSON.") var json = false

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one capture archive with --from") }
        if let mode, AnonymizationMode(rawValue: mode) == nil {
            throw ValidationError("--mode must be surrogate or placeholder, not \(mode)")
        }
        if let nearThreshold, !(nearThreshold > 0 && nearThreshold <= 1) {
            throw ValidationError("--near-threshold must be in (0, 1]")
        }
        if let numPerm, !(8...1024).contains(numPerm) { throw ValidationError("--num-perm must be between 8 and 1024") }
        if let shingle, shingle < 1 { throw ValidationError("--shingle must be at least 1") }
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads must be between 1 and 256") }
        if let augment, !(0...16).contains(augment) { throw ValidationError("--augment must be between 0 and 16") }
        if let maxMessageBytes, maxMessageBytes < 256 { throw ValidationError("--max-message-bytes must be at least 256") }
    }

    /// `[distill]` of the settings file (empty when there is none).
    func fileSettings() throws -> UnderstudyConfiguration.Distill {
        try UnderstudyConfiguration.load(path: config).distill
    }

    /// The runs folder: `--runs`, else `[distill] runs`, else `distill/runs`.
    func runsFolder(_ file: UnderstudyConfiguration.Distill) -> String { runs ?? file.runs ?? "distill/runs" }

    func configuration() throws -> StageOneConfiguration {
        let file = try fileSettings()
        let key: [UInt8]?
        let keyPath = (keyFile ?? file.keyFile).map { NSString(string: $0).expandingTildeInPath }
        do { key = try AnonymizerConfiguration.loadKey(keyFile: keyPath) } catch { throw CLIError("\(error)") }
        let anonymizer = AnonymizerConfiguration(
            mode: AnonymizationMode(rawValue: mode ?? file.mode ?? "surrogate") ?? .surrogate, key: key,
            thresholds: [
                .person: personThreshold ?? file.personThreshold ?? 0.5,
                .streetAddress: addressThreshold ?? file.addressThreshold ?? 0.5,
            ])
        let table: PriceTable
        do { table = try (prices ?? file.prices).map(PriceTable.load(path:)) ?? PriceTable() } catch {
            throw CLIError("\(error)")
        }
        return StageOneConfiguration(
            inputs: inputs.map { URL(fileURLWithPath: $0) }, run: run, runsRoot: URL(fileURLWithPath: runsFolder(file)),
            force: force,
            anonymizer: anonymizer,
            dedup: DedupConfiguration(
                threshold: nearThreshold ?? file.nearThreshold ?? 0.9, permutations: numPerm ?? file.numPerm ?? 128,
                shingleSize: shingle ?? file.shingle ?? 3, nearDuplicates: !noNearDedup && (file.nearDuplicates ?? true)),
            maximumMessageBytes: maxMessageBytes ?? file.maxMessageBytes ?? 32 * 1024, prices: table,
            variants: augment ?? file.augment ?? 0,
            threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    func runStageOne() throws -> StageOneReport {
        let stage = StageOne(configuration: try configuration())
        let progress = DistillProgress(bars: !json)
        do {
            let report = try stage.run { progress.update($0) }
            progress.finish(succeeded: true)
            return report
        } catch let error as DistillError {
            progress.finish(succeeded: false)
            throw CLIError(error.description)
        } catch {
            progress.finish(succeeded: false)
            throw error
        }
    }
}
