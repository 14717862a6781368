import Foundation

/// Settings of stage one (normalize, deduplicate, anonymize) of a distillation run.
public struct StageOneConfiguration: Sendable {
    /// Capture archives: segment files or directories of segments.
    public var inputs: [URL]
    /// The run's name; its workspace is `runsRoot/run`.
    public var run: String
    /// Where run workspaces live (`distill/runs`).
    public var runsRoot: URL
    /// Replace an existing run workspace (atomically) instead of refusing.
    public var force: Bool
    public var anonymizer: AnonymizerConfiguration
    public var dedup: DedupConfiguration
    /// The longest message text kept, in UTF-8 bytes.
    public var maximumMessageBytes: Int
    public var prices: PriceTable
    /// Augmentation: extra copies of each entry with surrogates re-drawn (0 = off).
    public var variants: Int
    /// Threads that anonymize (conversations are independent); the corpus does not depend on it.
    public var threads: Int

    public init(
        inputs: [URL], run: String, runsRoot: URL = URL(fileURLWithPath: "distill/runs"), force: Bool = false,
        anonymizer: AnonymizerConfiguration = AnonymizerConfiguration(),
        dedup: DedupConfiguration = DedupConfiguration(),
        maximumMessageBytes: Int = 32 * 1024, prices: PriceTable = PriceTable(), variants: Int = 0,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.inputs = inputs
        self.run = run
        self.runsRoot = runsRoot
        self.force = force
        self.anonymizer = anonymizer
        self.dedup = dedup
        self.maximumMessageBytes = maximumMessageBytes
        self.prices = prices
        self.variants = variants
        self.threads = threads
    }
}

/// Where stage one is, for progress display: a phase and how far into it.
public struct StageOneProgress: Sendable {
    public var phase: String
    public var done: Int
    /// `nil` while the total is not known (reading archives).
    public var total: Int?
}
