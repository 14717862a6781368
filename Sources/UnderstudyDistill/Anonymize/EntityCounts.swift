import UnderstudyArchive

/// How many entities of each type were replaced: the audit that goes into `stage1.json`.
/// It counts, it never holds a value.
public struct EntityCounts: Sendable, Equatable {
    /// One counter per type, by `EntityType.ordinal`: counting runs once per replaced entity.
    private var counts = [Int](repeating: 0, count: EntityType.allCases.count)

    public init(_ byType: [EntityType: Int] = [:]) {
        for (type, count) in byType { counts[type.ordinal] += count }
    }

    /// The counts of the types seen, by type.
    public var byType: [EntityType: Int] {
        var out: [EntityType: Int] = [:]
        for type in EntityType.allCases where counts[type.ordinal] != 0 { out[type] = counts[type.ordinal] }
        return out
    }

    public subscript(type: EntityType) -> Int { counts[type.ordinal] }
    public var total: Int { counts.reduce(0, +) }

    public mutating func add(_ type: EntityType, _ count: Int = 1) { counts[type.ordinal] += count }
    public mutating func merge(_ other: EntityCounts) {
        for k in counts.indices { counts[k] += other.counts[k] }
    }

    /// `{"EMAIL": 3, …}` with every type present, in name order.
    public var jsonValue: JSONValue {
        .object(EntityType.allCases.sorted().map { JSONMember($0.rawValue, .int(self[$0])) })
    }
}
