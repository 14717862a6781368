import UnderstudyArchive

/// How many entities of each type were replaced: the audit that goes into `stage1.json`.
/// It counts, it never holds a value.
public struct EntityCounts: Sendable, Equatable {
    public private(set) var byType: [EntityType: Int] = [:]

    public init(_ byType: [EntityType: Int] = [:]) { self.byType = byType }

    public subscript(type: EntityType) -> Int { byType[type] ?? 0 }
    public var total: Int { byType.values.reduce(0, +) }

    public mutating func add(_ type: EntityType, _ count: Int = 1) { byType[type, default: 0] += count }
    public mutating func merge(_ other: EntityCounts) {
        for (type, count) in other.byType { byType[type, default: 0] += count }
    }

    /// `{"EMAIL": 3, …}` with every type present, in name order.
    public var jsonValue: JSONValue {
        .object(EntityType.allCases.sorted().map { JSONMember($0.rawValue, .int(self[$0])) })
    }
}
