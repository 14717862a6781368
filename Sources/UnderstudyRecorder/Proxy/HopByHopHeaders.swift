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
    /// encoding and the record holds readable JSON and SSE.
    /// `host`: the `Host` value to send first (the direct path; AsyncHTTPClient sets its own).
    static func forUpstream(_ headers: HTTPHeaders, dropAcceptEncoding: Bool, host: String? = nil) -> HTTPHeaders {
        let named = connectionTokens(headers)
        var out = HTTPHeaders()
        out.reserveCapacity(headers.count + 1)
        if let host { out.add(name: "host", value: host) }
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

    /// Headers to send back to the client: hop-by-hop fields removed; framing is redone by NIO
    /// (content-length kept, chunked added when the length is unknown).
    static func forClient(_ headers: HTTPHeaders) -> HTTPHeaders {
        let named = connectionTokens(headers)
        var out = HTTPHeaders()
        out.reserveCapacity(headers.count)
        for (name, value) in headers {
            let lower = name.lowercased()
            if names.contains(lower) || named.contains(lower) { continue }
            out.add(name: name, value: value)
        }
        return out
    }

    /// `forClient` for fields as the direct path's framer parsed them.
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
        for value in headers["connection"] {
            for token in value.split(separator: ",") {
                tokens.insert(UpstreamResponseFramer.Framing.trimmed(token).lowercased())
            }
        }
        return tokens
    }

    /// The fields in wire order, names as received.
    static func fields(_ headers: HTTPHeaders) -> [HTTPHeaderField] {
        headers.map { HTTPHeaderField($0.name, $0.value) }
    }
}

