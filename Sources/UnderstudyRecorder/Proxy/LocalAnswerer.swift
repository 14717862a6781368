import UnderstudyArchive
import UnderstudyWire

/// The extension point of the reverse proxy for `understudy serve`: after an LLM request's body
/// is complete, the proxy asks the answerer whether to answer it locally or forward it upstream.
/// Either way the exchange is recorded exactly as `record` records it, with `route` (the
/// `Exchange.route` JSON) attached and the `x-understudy-route` response header set.
///
/// Without an answerer (`understudy record`), requests stream to the upstream as they arrive;
/// with one, LLM requests are held until their body is complete (embeddings and unknown routes
/// still stream straight through).
///
/// ```swift
/// struct AlwaysUpstream: LocalAnswerer {
///     func decide(_ request: LocalAnswerRequest) async -> LocalDecision { .forwardUpstream(route: nil, header: "upstream") }
/// }
/// let proxy = ReverseProxy(configuration: config, recorder: recorder, metrics: metrics, answerer: AlwaysUpstream())
/// ```
public protocol LocalAnswerer: Sendable {
    /// Decides for one complete request. Must not throw: a failure becomes `.forwardUpstream`.
    func decide(_ request: LocalAnswerRequest) async -> LocalDecision
}

/// A complete LLM request as the agent sent it (credentials still in the headers: never store them).
public struct LocalAnswerRequest: Sendable {
    public var endpoint: LLMEndpoint
    public var method: String
    public var target: String
    public var headers: [HTTPHeaderField]
    public var body: [UInt8]

    public init(endpoint: LLMEndpoint, method: String, target: String, headers: [HTTPHeaderField], body: [UInt8]) {
        self.endpoint = endpoint
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }
}

/// What the proxy does with a request.
public enum LocalDecision: Sendable {
    /// Send it upstream as `record` does; `route` goes into the record, `header` (when set)
    /// into the `x-understudy-route` response header.
    case forwardUpstream(route: JSONValue?, header: String?)
    /// Answer it here.
    case answer(LocalResponse)
}

/// A response produced locally: written to the client (each chunk flushed as it is, so SSE
/// events arrive as events) and recorded like an upstream response.
public struct LocalResponse: Sendable {
    public var status: Int
    /// Content headers (`content-type`); framing is added by the proxy.
    public var headers: [HTTPHeaderField]
    /// The body in the pieces it is sent in: one piece for JSON, one per event for SSE.
    public var chunks: [[UInt8]]
    /// `Exchange.route` of the record.
    public var route: JSONValue
    /// The `x-understudy-route` response header.
    public var header: String

    public init(status: Int, headers: [HTTPHeaderField], chunks: [[UInt8]], route: JSONValue, header: String) {
        self.status = status
        self.headers = headers
        self.chunks = chunks
        self.route = route
        self.header = header
    }
}
