import Foundation
import UnderstudyArchive
import UnderstudyDistill
import UnderstudyWire

/// What replay needs from the distiller's stage-one corpus (`corpus.jsonl.zst`): per exchange
/// id, the recorded calls it stands for, their cost, the upstream model, and the other answers
/// the big model gave to its duplicates (`alternatives`), which are the noise floor of coverage.
public struct CorpusIndex: Sendable {
    public struct Entry: Sendable {
        public var count: Int
        public var cost: Double?
        public var model: String?
        public var alternatives: [(response: CanonicalResponse, count: Int)]
    }

    public var entries: [String: Entry]

    public init(_ corpus: [CorpusEntry] = []) {
        var entries: [String: Entry] = [:]
        for entry in corpus where entry.variant == 0 {
            entries[entry.id] = Entry(
                count: entry.count, cost: entry.costUSD > 0 ? entry.costUSD : nil, model: entry.model,
                alternatives: entry.alternatives.map { ($0.response, $0.count) })
        }
        self.entries = entries
    }

    /// Reads `corpus.jsonl.zst` of a run; `nil` when the run has none.
    public static func load(run: URL) throws -> CorpusIndex? {
        let url = run.appendingPathComponent(Corpus.fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return CorpusIndex(try Corpus.read(file: url).entries)
    }
}
