import Foundation
import UnderstudyArchive
import UnderstudyWire

/// Stage one of `understudy distill`: capture archives in, a clean corpus out.
///
/// 1. **Normalize** every record through UnderstudyWire (`Normalizer`); exclusions are counted
///    by reason and damaged archive frames are skipped with their segment and offset.
///    Each exchange gets a conversation id: the first 16 bytes (hex) of
///    HMAC-SHA256(key, prefix hash ‖ 0 ‖ first user message ‖ 0). Every turn of an agent
///    conversation re-sends the same prefix and first user message, so its turns share the id
///    and later splits keep them together; the key makes the id useless for guessing content.
/// 2. **Deduplicate**: exact duplicates by `RequestFingerprint`, then near duplicates among
///    the rest (`NearDuplicateFinder` over the varying part, within one API, model and prefix).
///    The earliest call of a group represents it with the group's count and cost; the other
///    responses the group got are kept as `alternatives` with their counts.
/// 3. **Anonymize** prefix, conversation, response, alternatives and wire bodies with one
///    `PseudonymScope` per conversation, so a value maps to one surrogate everywhere in it;
///    conversations are spread over `threads` workers (`ParallelAnonymization`).
///
/// ```swift
/// let report = try StageOne(configuration: .init(inputs: [URL(fileURLWithPath: "captures/prod")], run: "r1")).run()
/// print(report.entries, report.exactDuplicates, report.entities.total)
/// ```
public struct StageOne: Sendable {
    public let configuration: StageOneConfiguration

    public init(configuration: StageOneConfiguration) {
        self.configuration = configuration
    }

    public func run(progress: (@Sendable (StageOneProgress) -> Void)? = nil) throws -> StageOneReport {
        let workspace = try RunWorkspace(
            root: configuration.runsRoot, run: configuration.run, force: configuration.force)
        do {
            let report = try build(into: workspace, progress: progress)
            try workspace.commit()
            return report
        } catch {
            workspace.discard()
            throw error
        }
    }

    private func build(into workspace: RunWorkspace, progress: (@Sendable (StageOneProgress) -> Void)?) throws
        -> StageOneReport
    {
        var report = StageOneReport(run: configuration.run, inputs: configuration.inputs.map(\.path))
        report.mode = configuration.anonymizer.mode
        report.threshold = configuration.dedup.threshold
        let anonymizer = Anonymizer(configuration: configuration.anonymizer)
        var clock = ContinuousClock.now

        func lap(_ name: String) {
            let now = ContinuousClock.now
            let elapsed = now - clock
            report.timings[name] = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            clock = now
        }

        // 1. Normalize.
        let normalizer = Normalizer(maximumMessageBytes: configuration.maximumMessageBytes)
        var normalized: [NormalizedExchange] = []
        for input in configuration.inputs {
            let reader: ArchiveReader
            do { reader = try ArchiveReader(path: input) } catch {
                throw DistillError("cannot read captures \(input.path): \(error)")
            }
            let issues = try reader.scan { exchange in
                report.read += 1
                if report.read % 1000 == 0 {
                    progress?(StageOneProgress(phase: "normalize", done: report.read, total: nil))
                }
                switch normalizer.normalize(exchange) {
                case .excluded(let reason):
                    report.excluded[reason, default: 0] += 1
                case .normalized(var n):
                    n.conversation = anonymizer.keyedID([n.canonical.prefixHash, Normalizer.firstUserText(n.canonical)])
                    n.costUSD = configuration.prices.cost(model: n.model, usage: n.usage)
                    if !n.trainable { report.keptRaw += 1 }
                    if n.capped { report.capped += 1 }
                    normalized.append(n)
                }
            }
            report.archiveIssues += issues
        }
        report.normalized = normalized.count
        report.costUSD = normalized.reduce(0) { $0 + $1.costUSD }
        normalized.sort { $0.startMicros < $1.startMicros }
        progress?(StageOneProgress(phase: "normalize", done: report.read, total: report.read))
        lap("normalize")

        // 2. Deduplicate.
        let groups = DuplicateGrouper(configuration: configuration.dedup).group(normalized)
        report.exactDuplicates = groups.reduce(0) { $0 + $1.exactDuplicates }
        report.nearDuplicates = groups.reduce(0) { $0 + $1.nearDuplicates }
        progress?(StageOneProgress(phase: "dedup", done: groups.count, total: groups.count))
        lap("dedup")

        // 3. Anonymize (and augment), conversations spread over the cores.
        let builder = CorpusBuilder(anonymizer: anonymizer, variants: configuration.variants)
        let total = groups.count
        let anonymized = ParallelAnonymization(
            builder: builder, variants: configuration.variants, workers: configuration.threads
        ).run(groups) { done in progress?(StageOneProgress(phase: "anonymize", done: done, total: total)) }
        report.entities.merge(anonymized.entities)
        var entries: [(CorpusEntry, Exchange.Capture.Mode, String)] = []
        entries.reserveCapacity(groups.count * (configuration.variants + 1))
        for (group, groupEntries) in zip(groups, anonymized.entries) {
            for entry in groupEntries { entries.append((entry, group.representative.captureMode, group.target)) }
        }
        report.entries = entries.count
        report.variants = configuration.variants
        progress?(StageOneProgress(phase: "anonymize", done: groups.count, total: groups.count))
        lap("anonymize")

        // 4. Write.
        try CorpusWriter.write(entries, into: workspace)
        lap("write")
        try workspace.write(report.json.serializedBytes() + [0x0A], to: Corpus.reportName)
        return report
    }
}
