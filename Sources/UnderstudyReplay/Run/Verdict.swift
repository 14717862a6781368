import UnderstudyArchive
import UnderstudyWire

/// The judgement of one replayed exchange: one line of `replay/verdicts.jsonl`.
public struct Verdict: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        /// The specialist answered as the big model did (or as it did on a duplicate).
        case match
        /// The specialist answered differently.
        case mismatch
        /// No usable answer: endpoint error, timeout, garbage. Serving falls back upstream.
        case error
        /// The cluster has no specialist: not covered.
        case noSpecialist = "no_specialist"
    }

    public var id: String
    public var cluster: String
    public var split: String
    public var weight: Int
    public var cost: Double?
    public var model: String?
    public var status: Status
    public var comparator: ComparatorKind
    public var reason: String
    /// The answer matched one of the big model's other recorded answers, not the representative.
    public var matchedAlternative: Bool
    public var confidence: Double?
    public var minimumLogProbability: Double?
    public var meanLogProbability: Double?
    public var latencyMilliseconds: Double?
    public var cpuSeconds: Double?
    public var promptTokens: Int?
    public var completionTokens: Int?
    public var note: String?
    /// Big model self-agreement on this request: recorded calls whose answer matches the
    /// representative's, out of all recorded calls that had an answer recorded (nil: no
    /// duplicates with other answers).
    public var selfAgreement: SelfAgreement?
    /// Anonymized request text (from the run's dataset), the recorded and the given answer.
    public var excerpt: String
    public var expected: JSONValue
    public var answer: JSONValue?

    public struct SelfAgreement: Sendable, Equatable {
        public var agreeing: Int
        public var total: Int
        public init(agreeing: Int, total: Int) {
            self.agreeing = agreeing
            self.total = total
        }
    }

    public init(
        id: String, cluster: String, split: String = "test", weight: Int = 1, cost: Double? = nil, model: String? = nil,
        status: Status, comparator: ComparatorKind, reason: String, matchedAlternative: Bool = false,
        confidence: Double? = nil, minimumLogProbability: Double? = nil, meanLogProbability: Double? = nil,
        latencyMilliseconds: Double? = nil, cpuSeconds: Double? = nil, promptTokens: Int? = nil,
        completionTokens: Int? = nil, note: String? = nil, selfAgreement: SelfAgreement? = nil, excerpt: String = "",
        expected: JSONValue = .null, answer: JSONValue? = nil
    ) {
        self.id = id
        self.cluster = cluster
        self.split = split
        self.weight = weight
        self.cost = cost
        self.model = model
        self.status = status
        self.comparator = comparator
        self.reason = reason
        self.matchedAlternative = matchedAlternative
        self.confidence = confidence
        self.minimumLogProbability = minimumLogProbability
        self.meanLogProbability = meanLogProbability
        self.latencyMilliseconds = latencyMilliseconds
        self.cpuSeconds = cpuSeconds
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.note = note
        self.selfAgreement = selfAgreement
        self.excerpt = excerpt
        self.expected = expected
        self.answer = answer
    }

    /// The specialist gave an answer (right or wrong) that serving could use.
    public var answered: Bool { status == .match || status == .mismatch }
    public var correct: Bool { status == .match }
}
