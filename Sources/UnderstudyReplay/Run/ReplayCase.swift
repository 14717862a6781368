import UnderstudyArchive
import UnderstudyWire

/// One recorded exchange to replay: the request, what the big model answered, and how much
/// traffic and cost it stands for.
public struct ReplayCase: Sendable {
    public var request: ReplayRequest
    public var expected: CanonicalResponse
    /// Which dataset split it came from ("test", "val", "train"; "capture" for `--from`).
    public var split: String
    /// Recorded calls it stands for (after deduplication).
    public var weight: Int
    /// Recorded cost of those calls, when known.
    public var cost: Double?
    /// The upstream model that answered, when known (prices).
    public var model: String?
    /// Different answers the big model gave to duplicates of this request, with how many
    /// calls got each: its own noise floor.
    public var alternatives: [(response: CanonicalResponse, count: Int)]

    public init(
        request: ReplayRequest, expected: CanonicalResponse, split: String, weight: Int = 1, cost: Double? = nil,
        model: String? = nil, alternatives: [(response: CanonicalResponse, count: Int)] = []
    ) {
        self.request = request
        self.expected = expected
        self.split = split
        self.weight = weight
        self.cost = cost
        self.model = model
        self.alternatives = alternatives
    }

    /// The last user or tool message, shortened: what the report shows as the request. Run
    /// datasets are anonymized by the distiller, so this text is too.
    public var excerpt: String {
        let last = request.messages.last(where: { $0["role"]?.stringValue != "assistant" }) ?? request.messages.last
        let text = last?["content"]?.stringValue ?? last.map { $0.serialized() } ?? ""
        return text.count <= 240 ? text : String(text.prefix(240)) + "…"
    }
}
