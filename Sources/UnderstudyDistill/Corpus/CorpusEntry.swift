import UnderstudyArchive
import UnderstudyWire

/// One record of a distillation corpus: a deduplicated, anonymized exchange in canonical form,
/// weighted by the traffic it stands for. Stage two (clustering, datasets) and replay read these.
///
/// ```swift
/// for entry in try Corpus.read(run: "r1") where entry.trainable {
///     print(entry.prefixHash, entry.varying.count, entry.count, entry.costUSD)
/// }
/// ```
public struct CorpusEntry: Sendable, Equatable {
    /// Version of the entry's JSON form.
    public static let format = 1

    /// The representative exchange's id (augmentation variants append `~K`).
    public var id: String
    /// Groups the turns of one conversation; see `StageOne` for how it is derived.
    public var conversation: String
    public var provider: String
    public var api: String
    public var model: String?
    public var stream: Bool
    public var prefix: CanonicalPrefix
    /// Masked hash of the original (pre-anonymization) prefix, from UnderstudyWire.
    public var prefixHash: String
    public var varying: [CanonicalMessage]
    public var response: CanonicalResponse?
    /// Other responses the same (or a near-identical) request got, each with how often: the
    /// big model's own noise floor, which replay uses as the bar for a specialist.
    public var alternatives: [Alternative]
    public var usage: Exchange.Usage?
    public var firstByteMs: Double?
    public var latencyMs: Double?
    public var status: Int?
    public var startMicros: Int64
    /// Recorded calls this entry stands for (itself, exact and near duplicates).
    public var count: Int
    /// Their recorded cost in USD (usage × price table).
    public var costUSD: Double
    public var exactDuplicates: Int
    public var nearDuplicates: Int
    /// False for calls of unknown providers, kept raw for inspection only.
    public var trainable: Bool
    /// Whether a message was cut to the size cap.
    public var capped: Bool
    /// 0 for the corpus itself, 1…K for augmentation variants with re-drawn surrogates.
    public var variant: Int
    /// The anonymized request body and assembled answer in the provider's own wire format.
    public var requestBody: JSONValue?
    public var responseBody: JSONValue?

    public struct Alternative: Sendable, Equatable {
        public var response: CanonicalResponse
        public var count: Int
        public init(response: CanonicalResponse, count: Int) {
            self.response = response
            self.count = count
        }
    }

    public init(
        id: String, conversation: String, provider: String, api: String, model: String?, stream: Bool = false,
        prefix: CanonicalPrefix, prefixHash: String, varying: [CanonicalMessage], response: CanonicalResponse?,
        alternatives: [Alternative] = [], usage: Exchange.Usage? = nil, firstByteMs: Double? = nil,
        latencyMs: Double? = nil,
        status: Int? = nil, startMicros: Int64 = 0, count: Int = 1, costUSD: Double = 0, exactDuplicates: Int = 0,
        nearDuplicates: Int = 0, trainable: Bool = true, capped: Bool = false, variant: Int = 0,
        requestBody: JSONValue? = nil, responseBody: JSONValue? = nil
    ) {
        self.id = id
        self.conversation = conversation
        self.provider = provider
        self.api = api
        self.model = model
        self.stream = stream
        self.prefix = prefix
        self.prefixHash = prefixHash
        self.varying = varying
        self.response = response
        self.alternatives = alternatives
        self.usage = usage
        self.firstByteMs = firstByteMs
        self.latencyMs = latencyMs
        self.status = status
        self.startMicros = startMicros
        self.count = count
        self.costUSD = costUSD
        self.exactDuplicates = exactDuplicates
        self.nearDuplicates = nearDuplicates
        self.trainable = trainable
        self.capped = capped
        self.variant = variant
        self.requestBody = requestBody
        self.responseBody = responseBody
    }
}
