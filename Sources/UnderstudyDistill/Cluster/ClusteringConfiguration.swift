/// Settings of task clustering. Defaults were chosen on the BFCL agent fleet
/// (tools/bench/embed-cluster); see Sources/UnderstudyDistill/README.md.
public struct ClusteringConfiguration: Sendable {
    public enum Algorithm: String, Sendable, CaseIterable {
        /// Density-based; leaves scattered calls as noise (they stay on the big model).
        case hdbscan
        /// k-means++ with k chosen by silhouette; assigns every call.
        case kmeans
    }

    public var algorithm: Algorithm
    /// Smallest group of calls that counts as a recurring task.
    public var minimumClusterSize: Int
    /// An agent whose calls carry more distinct tool sets than this is clustered on content
    /// alone (its tool set changes per request, so the tool set cannot be the task).
    public var maximumToolSetsPerAgent: Int
    /// Clusters of different signature groups whose centroids are closer than this cosine
    /// distance, and which offer the same tools, are the same task and are merged.
    public var mergeDistance: Float
    /// A split of a group is kept only when its silhouette reaches this.
    public var minimumSilhouette: Float
    /// …and when each part holds at least this share of the group.
    public var minimumSplitShare: Double
    /// The answer kind (text, one call, several calls) splits a group of calls only when at
    /// least this share of them are single-turn (a conversation of their own); in multi-turn
    /// traffic the kind is a step within a task, not a task.
    public var singleTurnShare: Double
    /// HDBSCAN runs on at most this many calls per group; the rest join their nearest cluster.
    public var maximumGroupSample: Int
    public var seed: UInt64

    public init(
        algorithm: Algorithm = .hdbscan, minimumClusterSize: Int = 5, maximumToolSetsPerAgent: Int = 6,
        mergeDistance: Float = 0.08, minimumSilhouette: Float = 0.3, minimumSplitShare: Double = 0.1, maximumGroupSample: Int = 3000, seed: UInt64 = 1,
        singleTurnShare: Double = 0.9
    ) {
        self.singleTurnShare = singleTurnShare
        self.algorithm = algorithm
        self.minimumClusterSize = minimumClusterSize
        self.maximumToolSetsPerAgent = maximumToolSetsPerAgent
        self.mergeDistance = mergeDistance
        self.minimumSilhouette = minimumSilhouette
        self.minimumSplitShare = minimumSplitShare
        self.maximumGroupSample = maximumGroupSample
        self.seed = seed
    }
}
