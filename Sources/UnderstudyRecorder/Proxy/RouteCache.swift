import CoreMetrics
import UnderstudyWire

/// The last request's classification and upstream on one client connection, reused when the
/// next request has the same method, target, `Host` and `api-key` presence: everything
/// `LLMEndpoint.classify` looks at. Agents send the same route again and again over a keep-alive
/// connection, and classifying plus the upstream table lookup (string hashing, copies of the
/// `Upstream`) ran for every request on the event loop (~4% of the loops' CPU by perf).
struct RouteCache {
    let method: String
    let target: String
    let host: String?
    let hasAPIKey: Bool
    let endpoint: LLMEndpoint?
    let upstream: Upstream
    /// The provider's requests counter.
    let requests: CoreMetrics.Counter?

    init(_ head: ClientRequestHead, endpoint: LLMEndpoint?, upstream: Upstream, requests: CoreMetrics.Counter?) {
        method = head.method
        target = head.target
        host = head.host
        hasAPIKey = head.hasAPIKey
        self.endpoint = endpoint
        self.upstream = upstream
        self.requests = requests
    }

    /// Whether `head` would be classified and routed as the cached request was.
    func matches(_ head: ClientRequestHead) -> Bool {
        head.target == target && head.method == method && head.host == host && head.hasAPIKey == hasAPIKey
    }
}
