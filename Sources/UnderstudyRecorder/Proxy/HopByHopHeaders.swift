import NIOHTTP1
import UnderstudyArchive

/// RFC 9110 §7.6.1: headers that describe one connection and must not be forwarded, plus every
/// header the `Connection` field names.
enum HopByHopHeaders {
    /// Headers to send upstream: hop-by-hop fields, `Expect` and `Host` removed (the client sets
    /// the upstream's), `Accept-Encoding` removed on LLM routes so the upstream answers in identity
    /// encoding and the record holds readable JSON and SSE. (AsyncHTTPClient's path, forward
    /// mode; the direct path writes its head with `UpstreamRequestEncoder`.)
    static func forUpstream(_ head: ClientRequestHead, dropAcceptEncoding: Bool) -> HTTPHeaders {
        var out = HTTPHeaders()
        out.reserveCapacity(head.fields.count)
        for field in head.fields {
            let lower = field.name.lowercased()
            if isStaticHopByHop(field.name) || lower == "host" || head.connectionTokens.contains(lower) { continue }
            if dropAcceptEncoding && lower == "accept-encoding" { continue }
            // The proxy answers `Expect: 100-continue` itself (ProxyHandler+RequestBody).
            if lower == "expect" { continue }
            out.add(name: field.name, value: field.value)
        }
        return out
    }

    /// Fields to send back to the client (from the fields as parsed or converted): hop-by-hop
    /// fields removed; framing is redone on the way out (content-length kept, chunked added when
    /// the length is unknown).
    static func forClient(_ fields: [HTTPHeaderField]) -> [HTTPHeaderField] {
        // Most responses carry none: then the fields go back as they are, without a new array.
        guard fields.contains(where: { isStaticHopByHop($0.name) }) else { return fields }
        var named: Set<String> = []
        for field in fields where HeaderName.equals(field.name, "connection") {
            named.formUnion(UpstreamResponseFramer.Framing.tokens(field.value))
        }
        var out: [HTTPHeaderField] = []
        out.reserveCapacity(fields.count + 2)
        for field in fields where !isHopByHop(field.name, named: named) {
            out.append(field)
        }
        return out
    }

    /// Whether a response field stays on this hop (most names are not among them: their
    /// length is compared before lowercasing).
    private static func isHopByHop(_ name: String, named: Set<String>) -> Bool {
        if isStaticHopByHop(name) { return true }
        return !named.isEmpty && named.contains(name.lowercased())
    }

    /// Whether `name` is one of the fixed hop-by-hop fields (connection, keep-alive,
    /// proxy-connection, te, trailer, transfer-encoding, upgrade, proxy-authenticate,
    /// proxy-authorization), compared by length first and without a lowercase copy.
    static func isStaticHopByHop(_ name: String) -> Bool {
        switch name.utf8.count {
        case 2: return HeaderName.equals(name, "te")
        case 7: return HeaderName.equals(name, "trailer") || HeaderName.equals(name, "upgrade")
        case 10: return HeaderName.equals(name, "connection") || HeaderName.equals(name, "keep-alive")
        case 16: return HeaderName.equals(name, "proxy-connection")
        case 17: return HeaderName.equals(name, "transfer-encoding")
        case 18: return HeaderName.equals(name, "proxy-authenticate")
        case 19: return HeaderName.equals(name, "proxy-authorization")
        default: return false
        }
    }

    /// The fields in wire order, names as received.
    static func fields(_ headers: HTTPHeaders) -> [HTTPHeaderField] {
        headers.map { HTTPHeaderField($0.name, $0.value) }
    }

    /// Sets a field: those of that name (case-insensitively; `name` lowercase) removed, the new
    /// one appended (as NIO's `HTTPHeaders.replaceOrAdd`).
    static func replaceOrAdd(_ name: String, _ value: String, in fields: inout [HTTPHeaderField]) {
        fields.removeAll { HeaderName.equals($0.name, lowercase: name) }
        fields.append(HTTPHeaderField(name, value))
    }

    /// The first `Content-Length` field's value as written (nil: no such field).
    static func contentLengthField(in fields: [HTTPHeaderField]) -> String? {
        fields.first { HeaderName.equals($0.name, "content-length") }?.value
    }

    /// Whether a field is present (case-insensitively; `name` lowercase). The name is a literal,
    /// compared as bytes: a `String` name was compared by `zip`ping two `UTF8View`s, which showed
    /// in the loop's profile at max load (asked once per response, for `content-length`).
    static func contains(_ name: StaticString, in fields: [HTTPHeaderField]) -> Bool {
        fields.contains { HeaderName.equals($0.name, name) }
    }
}
