/// One recurring task found in the traffic: the calls it holds and what describes it.
public struct TaskCluster: Sendable {
    /// Stable within a run: `c000` is the cluster with the most traffic.
    public var id: String
    /// Indices into the candidates given to `TaskClusterer.cluster`.
    public var members: [Int]
    /// Normalized mean embedding of the members; the router matches new calls against it.
    public var centroid: [Float]
    /// Cosine distance from the centroid within which a new call may be routed to this cluster.
    public var radius: Float
    /// Top class-TF-IDF terms and tool names, for people.
    public var label: String
    public var topTerms: [String]
    /// Tool names by how often the members offered them.
    public var toolNames: [String]
    /// Distinct structural signatures among the members.
    public var signatures: [TaskSignature]
    /// Recorded calls (deduplicated representatives weighted by their group counts).
    public var count: Int
    public var cost: Double
    public var trafficShare: Double
    public var costShare: Double
    /// How many tools the members' requests offered (`none`, `one`, `several`); the router
    /// admits a request only to clusters that saw its bucket.
    public var offered: [CallShape.Offered] = []
    /// The members' recorded answer kinds (`text`, `one_call`, `several_calls`).
    public var answers: [CallShape.Answer] = []
}

/// The outcome of clustering: the tasks, and the calls that belong to none.
public struct ClusteringResult: Sendable {
    public var clusters: [TaskCluster]
    /// Cluster index per candidate, -1 for noise.
    public var assignments: [Int]
    /// Which embedder produced the vectors (recorded in the run).
    public var embedder: String
    public var algorithm: ClusteringConfiguration.Algorithm
    /// The embedding of each candidate, in candidate order.
    public var vectors: VectorSet
    public var noiseCount: Int { assignments.filter { $0 < 0 }.count }
}
