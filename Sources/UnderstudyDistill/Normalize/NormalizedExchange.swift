import UnderstudyArchive
import UnderstudyWire

/// A recorded exchange in canonical form, before deduplication and anonymization.
public struct NormalizedExchange: Sendable {
    public var id: String
    public var captureMode: Exchange.Capture.Mode
    /// The request path without its query (which may carry an API key, as Gemini's `?key=` does).
    public var path: String = "/"
    public var startMicros: Int64
    public var provider: String
    public var api: String
    public var model: String?
    public var stream: Bool
    public var canonical: CanonicalExchange
    public var usage: Exchange.Usage?
    /// Milliseconds to the first and the last response byte.
    public var firstByteMs: Double?
    public var latencyMs: Double?
    public var status: Int?
    /// The request body as sent (for the corpus envelope and the exact-duplicate key).
    public var requestBody: JSONValue
    /// The answer as the SDK would assemble it (`llm.assembled`).
    public var responseBody: JSONValue?
    /// Whether a message was shortened to the size cap.
    public var capped: Bool
    /// Whether training may use it (`false` for unknown providers kept raw).
    public var trainable: Bool
    public var conversation: String = ""
    public var costUSD: Double = 0
}

/// The fate of one recorded exchange in normalization.
public enum NormalizationOutcome: Sendable {
    case normalized(NormalizedExchange)
    case excluded(ExclusionReason)
}
