import Dispatch
import Synchronization
import UnderstudyArchive

/// Anonymizes the duplicate groups of a run on several threads.
///
/// Conversations are independent: each has its own `PseudonymScope`, so one value maps to one
/// surrogate inside a conversation only. All groups of a conversation therefore go to the same
/// worker, in their original order. Each scope then sees its values in the same order as on
/// one thread, and the corpus is byte-identical whatever the number of workers. A conversation
/// is dealt, when first seen, to the worker holding the fewest groups so far.
struct ParallelAnonymization {
    let builder: CorpusBuilder
    /// Augmentation: extra variants per group (0 = off).
    let variants: Int
    let workers: Int

    struct Result {
        /// Per group, in the groups' order: its entries, variant 0 first.
        var entries: [[CorpusEntry]]
        /// Entities replaced in variant 0 of every group.
        var entities: EntityCounts
    }

    /// Anonymizes `groups`; `progress` gets the number of groups done now and then (from any thread).
    func run(_ groups: [DuplicateGroup], progress: (@Sendable (Int) -> Void)? = nil) -> Result {
        let shards = Self.shards(of: groups, workers: max(1, min(workers, groups.count)))
        let entries = ConcurrentSlots<[CorpusEntry]>(repeating: [], count: groups.count)
        let counts = ConcurrentSlots(repeating: EntityCounts(), count: shards.count)
        let done = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: shards.count) { worker in
            var scopes: [String: PseudonymScope] = [:]
            var entities = EntityCounts()
            for index in shards[worker] {
                entries[index] = anonymize(groups[index], scopes: &scopes, counts: &entities)
                let finished = done.add(1, ordering: .relaxed).newValue
                if finished % 500 == 0 { progress?(finished) }
            }
            counts[worker] = entities
        }
        return Result(entries: entries.elements, entities: counts.elements.reduce(into: EntityCounts()) { $0.merge($1) })
    }

    /// One group's entries; a conversation's scope (one per variant) carries over between its groups.
    private func anonymize(
        _ group: DuplicateGroup, scopes: inout [String: PseudonymScope], counts: inout EntityCounts
    ) -> [CorpusEntry] {
        var out: [CorpusEntry] = []
        out.reserveCapacity(variants + 1)
        for variant in 0...variants {
            let key = "\(variant)\u{0}\(group.representative.conversation)"
            var scope = scopes[key] ?? PseudonymScope(conversation: group.representative.conversation, variant: variant)
            out.append(builder.entry(for: group, variant: variant, scope: &scope))
            if variant == 0 { counts.merge(scope.counts) }
            scope.counts = EntityCounts()
            scopes[key] = scope
        }
        return out
    }

    /// Group indices per worker, each conversation whole and in order.
    static func shards(of groups: [DuplicateGroup], workers: Int) -> [[Int]] {
        var shards = [[Int]](repeating: [], count: workers)
        var workerOf: [String: Int] = [:]
        for (index, group) in groups.enumerated() {
            let conversation = group.representative.conversation
            let worker: Int
            if let known = workerOf[conversation] {
                worker = known
            } else {
                worker = shards.indices.min { shards[$0].count < shards[$1].count }!
                workerOf[conversation] = worker
            }
            shards[worker].append(index)
        }
        return shards
    }
}
