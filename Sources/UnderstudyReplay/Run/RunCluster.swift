import UnderstudyArchive

/// One cluster of a distillation run, as `clusters.json` and `clusters/ID/cluster.json`
/// describe it (docs/formats.md).
public struct RunCluster: Sendable {
    public var id: String
    public var label: String
    /// Distinct (deduplicated) calls.
    public var size: Int
    /// Recorded calls, duplicates included.
    public var count: Int
    public var trafficShare: Double
    public var costShare: Double
    /// Recorded cost in the distiller's currency; 0 when it had no prices.
    public var cost: Double
    public var prefixHash: String
    public var centroid: [Float]
    public var radius: Double
    public var system: String?
    public var tools: [JSONValue]

    public init(
        id: String, label: String, size: Int = 0, count: Int = 0, trafficShare: Double = 0, costShare: Double = 0,
        cost: Double = 0, prefixHash: String = "", centroid: [Float] = [], radius: Double = 0, system: String? = nil,
        tools: [JSONValue] = []
    ) {
        self.id = id
        self.label = label
        self.size = size
        self.count = count
        self.trafficShare = trafficShare
        self.costShare = costShare
        self.cost = cost
        self.prefixHash = prefixHash
        self.centroid = centroid
        self.radius = radius
        self.system = system
        self.tools = tools
    }

    /// Reads an entry of `clusters.json`; `nil` without an id.
    init?(index entry: JSONValue) {
        guard let id = entry["id"]?.stringValue else { return nil }
        self.init(
            id: id, label: entry["label"]?.stringValue ?? id, size: entry["size"]?.intValue ?? 0,
            count: entry["count"]?.intValue ?? 0, trafficShare: entry["traffic_share"]?.doubleValue ?? 0,
            costShare: entry["cost_share"]?.doubleValue ?? 0, cost: entry["cost"]?.doubleValue ?? 0,
            prefixHash: entry["prefix_hash"]?.stringValue ?? "",
            centroid: (entry["centroid"]?.arrayValue ?? []).compactMap { $0.doubleValue.map(Float.init) },
            radius: entry["radius"]?.doubleValue ?? 0)
    }
}
