import CoreMetrics
import UnderstudyWire

/// The last request's classification and upstream on one client connection, reused when the
/// next request has the same method, target, `Host` and `api-key` presence: everything
/// `LLMEndpoint.classify` looks at. Agents send the same route again and again over a keep-alive
/// connection, and classifying plus the upstream table lookup (string hashing, copies of the
/// `Upstream`) ran for every request on the event loop (~4% of the loops' CPU by perf). A class:
/// reading the cached fields out of a struct copied it whole (a retain and release per string in
/// it and in its `Upstream`, per request). Package-visible for its tests.
package final class RouteCache: Sendable {
    let method: String
    let target: String
    let host: String?
    let hasAPIKey: Bool
    let endpoint: LLMEndpoint?
    let upstream: Upstream
    /// The provider's requests counter.
    let requests: CoreMetrics.Counter?
    /// `upstream.basePath`, and whether the route is an LLM endpoint, read without copying the
    /// `Upstream` or the endpoint out of this object.
    let basePath: String
    let isLLMRoute: Bool

    package init(_ head: ClientRequestHead, endpoint: LLMEndpoint?, upstream: Upstream, requests: CoreMetrics.Counter?) {
        method = head.method
        target = head.target
        host = head.host
        hasAPIKey = head.hasAPIKey
        self.endpoint = endpoint
        self.upstream = upstream
        self.requests = requests
        basePath = upstream.basePath
        isLLMRoute = endpoint != nil
    }

    /// Whether `head` would be classified and routed as the cached request was.
    package func matches(_ head: ClientRequestHead) -> Bool {
        head.target == target && head.method == method && head.hasHost(host) && head.hasAPIKey == hasAPIKey
    }
}
