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
    var replacements: [Replaced: String] = [:]
    var placeholderNumbers: [EntityType: Int] = [:]
    /// Entities replaced in this scope, by type.
    public internal(set) var counts = EntityCounts()

    public init(conversation: String, variant: Int = 0) {
        self.conversation = conversation
        self.variant = variant
        // Conversations with entities usually have several: skip the first rehashes.
        replacements.reserveCapacity(8)
    }

    /// The distinct values replaced so far, with their types, in first-seen order: for audits and
    /// benchmarks in memory only. It holds original values: never write it next to the data.
    public var replacedValues: [(type: EntityType, value: String)] {
        order.map { ($0.type, $0.value) }
    }
    var order: [Replaced] = []

    /// How many distinct values this scope replaced.
    public var distinctValues: Int { replacements.count }
}
