import UnderstudyArchive

/// What stage one did, written to `stage1.json` and printed by `--json`. Counts only, never values.
public struct StageOneReport: Sendable, Equatable {
    public static let format = 1

    public var run: String
    public var inputs: [String]
    /// Intact records read from the captures.
    public var read = 0
    /// Records that entered deduplication (trainable or raw).
    public var normalized = 0
    public var excluded: [ExclusionReason: Int] = [:]
    /// Unknown-provider calls kept raw in the corpus and marked untrainable.
    public var keptRaw = 0
    /// Exchanges with a message cut to the size cap.
    public var capped = 0
    /// Damaged archive parts skipped: one entry each, with segment and byte offset.
    public var archiveIssues: [ArchiveIssue] = []
    public var exactDuplicates = 0
    public var nearDuplicates = 0
    /// Entries written (augmentation variants included).
    public var entries = 0
    public var variants = 0
    public var entities = EntityCounts()
    public var mode: AnonymizationMode = .surrogate
    public var threshold = 0.9
    public var costUSD = 0.0
    /// Seconds per phase.
    public var timings: [String: Double] = [:]

    public init(run: String, inputs: [String]) {
        self.run = run
        self.inputs = inputs
    }

    public var excludedTotal: Int { excluded.values.reduce(0, +) }

    public var json: JSONValue {
        .object([
            JSONMember("format", .int(Self.format)), JSONMember("stage", "normalize+dedup+anonymize"),
            JSONMember("run", .string(run)), JSONMember("inputs", .array(inputs.map(JSONValue.string))),
            JSONMember("read", .int(read)), JSONMember("normalized", .int(normalized)),
            JSONMember(
                "excluded",
                .object(
                    ExclusionReason.allCases.sorted().filter { $0 != .unknownProvider }.map {
                        JSONMember($0.rawValue, .int(excluded[$0] ?? 0))
                    })),
            JSONMember("excluded_total", .int(excludedTotal)),
            JSONMember("unknown_provider_kept_raw", .int(keptRaw)), JSONMember("capped_messages", .int(capped)),
            JSONMember(
                "corrupt_segments",
                .object([
                    JSONMember("count", .int(archiveIssues.filter(\.losesData).count)),
                    JSONMember(
                        "skipped",
                        .array(
                            archiveIssues.map {
                                .object([
                                    JSONMember("segment", .string($0.path)), JSONMember("offset", .int($0.offset)),
                                    JSONMember("kind", .string($0.kind.rawValue)),
                                ])
                            })),
                ])),
            JSONMember(
                "duplicates",
                .object([
                    JSONMember("exact", .int(exactDuplicates)), JSONMember("near", .int(nearDuplicates)),
                    JSONMember("near_threshold", .double(threshold)),
                ])),
            JSONMember("entries", .int(entries)), JSONMember("augmentation_variants", .int(variants)),
            JSONMember(
                "anonymization",
                .object([JSONMember("mode", .string(mode.rawValue)), JSONMember("entities", entities.jsonValue)])),
            JSONMember("recorded_cost_usd", .double((costUSD * 1e6).rounded() / 1e6)),
            JSONMember(
                "timings_s",
                .object(timings.keys.sorted().map { JSONMember($0, .double((timings[$0]! * 1000).rounded() / 1000)) })),
        ])
    }
}
