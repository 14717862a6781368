/// The replacements made within one conversation (and one augmentation variant): the same
/// value always gets the same surrogate or placeholder in it, in the request and in the
/// recorded response alike, so "reply to jane@x.com" and the answer's "jane@x.com" stay linked.
public struct PseudonymScope: Sendable {
    public let conversation: String
    /// 0 for the corpus itself; 1…K for augmentation variants, which re-draw every surrogate.
    public let variant: Int
    /// A replaced value with its type: what a surrogate or placeholder is remembered by.
    struct Replaced: Hashable, Sendable {
        var type: EntityType
        var value: String
    }
    /// Replaced values and their replacements, in first-seen order. Most conversations have a
    /// handful: looked up by a linear scan, with a dictionary index only past `indexedFrom`.
    private(set) var entries: [(key: Replaced, replacement: String)] = []
    private var index: [Replaced: Int] = [:]
    private static let indexedFrom = 16
    /// The last placeholder number given per type, by `EntityType.ordinal`.
    var placeholderNumbers = [Int](repeating: 0, count: EntityType.allCases.count)
    /// Entities replaced in this scope, by type.
    public internal(set) var counts = EntityCounts()

    public init(conversation: String, variant: Int = 0) {
        self.conversation = conversation
        self.variant = variant
        // Conversations with entities usually have several: skip the first regrowths.
        entries.reserveCapacity(8)
    }

    /// The replacement remembered for `value` of `type`, if any.
    func replacement(of type: EntityType, _ value: String) -> String? {
        if entries.count > Self.indexedFrom {
            return index[Replaced(type: type, value: value)].map { entries[$0].replacement }
        }
        // By index: binding each entry would retain its strings.
        for i in entries.indices where entries[i].key.type == type && entries[i].key.value == value {
            return entries[i].replacement
        }
        return nil
    }

    /// Remembers a new value's replacement.
    mutating func remember(_ type: EntityType, _ value: String, as replacement: String) {
        let key = Replaced(type: type, value: value)
        entries.append((key, replacement))
        if entries.count > Self.indexedFrom {
            if index.isEmpty {
                for (i, entry) in entries.enumerated() { index[entry.key] = i }
            } else {
                index[key] = entries.count - 1
            }
        }
    }

    /// The distinct values replaced so far, with their types, in first-seen order: for audits and
    /// benchmarks in memory only. It holds original values: never write it next to the data.
    public var replacedValues: [(type: EntityType, value: String)] {
        entries.map { ($0.key.type, $0.key.value) }
    }

    /// How many distinct values this scope replaced.
    public var distinctValues: Int { entries.count }
}
