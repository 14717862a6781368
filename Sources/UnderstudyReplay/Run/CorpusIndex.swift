import Foundation
import UnderstudyArchive
import UnderstudyWire

/// What replay needs from the distiller's stage-one corpus (`corpus.jsonl.zst`, one
/// deduplicated, anonymized exchange per line): per exchange id, the recorded calls it stands
/// for, their cost, the upstream model, and the other answers the big model gave to its
/// duplicates (`alternatives`), which are the noise floor of coverage.
///
/// Lines are read leniently: `id`, `count`, `cost`, `model` (or `llm.model`), `usage`
/// (`input_tokens`, `output_tokens`) and `alternatives` (each a canonical response, or
/// `{"response": …, "count": n}`), at the top level or under `exchange`.
public struct CorpusIndex: Sendable {
    public struct Entry: Sendable {
        public var count: Int
        public var cost: Double?
        public var model: String?
        public var inputTokens: Int?
        public var outputTokens: Int?
        public var alternatives: [(response: CanonicalResponse, count: Int)]
    }

    public var entries: [String: Entry]

    public init(entries: [String: Entry] = [:]) {
        self.entries = entries
    }

    /// Reads `corpus.jsonl.zst` of a run; `nil` when the run has none. Recorded cost is priced
    /// with `prices` where the corpus line has usage and a model but no cost.
    public static func load(run: URL, prices: CostModel) throws -> CorpusIndex? {
        let url = run.appendingPathComponent("corpus.jsonl.zst")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        var index = CorpusIndex()
        let reader = try SegmentReader(url: url)
        _ = try reader.forEachLine { line, _ in
            guard let value = try? JSONValue(parsing: line) else { return }
            index.add(value, prices: prices)
        }
        return index
    }

    mutating func add(_ line: JSONValue, prices: CostModel) {
        let body = line["exchange"] ?? line
        guard let id = line["id"]?.stringValue ?? body["id"]?.stringValue else { return }
        func field(_ key: String) -> JSONValue? { line[key] ?? body[key] }
        let count = max(1, field("count")?.intValue ?? 1)
        let model = field("model")?.stringValue ?? field("llm")?["model"]?.stringValue
        let usage = field("usage") ?? field("llm")?["usage"]
        let input = usage?["input_tokens"]?.intValue
        let output = usage?["output_tokens"]?.intValue
        var cost = field("cost")?.doubleValue
        if cost == nil, model != nil, input != nil || output != nil {
            cost = prices.tokens.cost(model: model, usage: Exchange.Usage(inputTokens: input, outputTokens: output))
                * Double(count)
        }
        var alternatives: [(CanonicalResponse, Int)] = []
        for alternative in field("alternatives")?.arrayValue ?? [] {
            let response = alternative["response"] ?? alternative
            guard let parsed = CanonicalResponse(json: response) else { continue }
            alternatives.append((parsed, max(1, alternative["count"]?.intValue ?? 1)))
        }
        entries[id] = Entry(
            count: count, cost: cost, model: model, inputTokens: input, outputTokens: output, alternatives: alternatives)
    }
}
