/// Settings of exact and near-duplicate detection.
public struct DedupConfiguration: Sendable {
    /// Two requests are near duplicates when the Jaccard similarity of their word-shingle sets
    /// is at least this.
    public var threshold: Double
    /// MinHash permutations (signature length).
    public var permutations: Int
    /// Words per shingle.
    public var shingleSize: Int
    /// Seed of the hash permutations; fixed so runs are reproducible.
    public var seed: UInt64
    /// Whether near-duplicate detection runs at all (exact duplicates always collapse).
    public var nearDuplicates: Bool

    public init(
        threshold: Double = 0.9, permutations: Int = 128, shingleSize: Int = 3, seed: UInt64 = 1,
        nearDuplicates: Bool = true
    ) {
        self.threshold = threshold
        self.permutations = permutations
        self.shingleSize = shingleSize
        self.seed = seed
        self.nearDuplicates = nearDuplicates
    }
}
