import AsyncHTTPClient

/// Where a forward-proxied request goes and whether it is recorded. `ForwardConnectHandler`
/// hands it to `ProxyHandler`: per connection for an intercepted CONNECT, per request (as a user
/// inbound event just before the head) for plain-HTTP absolute-form requests.
struct ForwardRoute: Sendable {
    /// `https://host:port` of an intercepted CONNECT, `http://host:port` of a plain request.
    var upstream: Upstream
    /// The forward proxy's client (extra trust roots, `--forward-resolve` overrides).
    var client: HTTPClient
    /// False for plain-HTTP requests to hosts off the allowlist under `--forward-policy tunnel`:
    /// proxied like a tunnel, never written to the archive.
    var record: Bool
}
