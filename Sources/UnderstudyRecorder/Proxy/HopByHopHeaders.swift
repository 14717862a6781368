import NIOHTTP1
import UnderstudyArchive

/// RFC 9110 §7.6.1: headers that describe one connection and must not be forwarded, plus every
/// header the `Connection` field names.
enum HopByHopHeaders {
    static let names: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "proxy-authenticate", "proxy-authorization",
    ]

    /// Headers to send upstream: hop-by-hop fields, `Expect` and `Host` removed (the client sets
    /// the upstream's), `Accept-Encoding` removed on LLM routes so the upstream answers in identity
    /// encoding and the record holds readable JSON and SSE. (AsyncHTTPClient's path, forward
    /// mode; the direct path writes its head with `UpstreamRequestEncoder`.)
    static func forUpstream(_ headers: HTTPHeaders, dropAcceptEncoding: Bool) -> HTTPHeaders {
        let named = connectionTokens(headers)
        var out = HTTPHeaders()
        out.reserveCapacity(headers.count)
        for (name, value) in headers {
            let lower = name.lowercased()
            if names.contains(lower) || lower == "host" || named.contains(lower) { continue }
            if dropAcceptEncoding && lower == "accept-encoding" { continue }
            // The proxy answers `Expect: 100-continue` itself (ProxyHandler+RequestBody).
            if lower == "expect" { continue }
            out.add(name: name, value: value)
        }
        return out
    }

    /// Headers to send back to the client (from the fields as parsed or converted): hop-by-hop
    /// fields removed; framing is redone by NIO (content-length kept, chunked added when the
    /// length is unknown).
    static func forClient(_ fields: [HTTPHeaderField]) -> HTTPHeaders {
        var named: Set<String> = []
        for field in fields where field.name.utf8.count == 10 && field.name.lowercased() == "connection" {
            named.formUnion(UpstreamResponseFramer.Framing.tokens(field.value))
        }
        var out = HTTPHeaders()
        out.reserveCapacity(fields.count)
        for field in fields {
            let lower = field.name.lowercased()
            if names.contains(lower) || named.contains(lower) { continue }
            out.add(name: field.name, value: field.value)
        }
        return out
    }

    static func connectionTokens(_ headers: HTTPHeaders) -> Set<String> {
        var tokens: Set<String> = []
        for value in headers["connection"] { tokens.formUnion(UpstreamResponseFramer.Framing.tokens(value)) }
        return tokens
    }

    /// The fields in wire order, names as received.
    static func fields(_ headers: HTTPHeaders) -> [HTTPHeaderField] {
        headers.map { HTTPHeaderField($0.name, $0.value) }
    }
}

