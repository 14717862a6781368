import NIOHTTP1
import UnderstudyArchive

/// A client's request head as the reverse proxy uses it: the start line and the fields as
/// received (names as sent, in order), and what the fields say about framing and the
/// connection, found in one pass (names compared only when their length matches).
public struct ClientRequestHead: Sendable, Equatable {
    public var method: String
    public var target: String
    public var version: HTTPVersion
    /// Header fields in the order received, names as sent.
    public var fields: [HTTPHeaderField]
    /// The connection stays open after this exchange (HTTP/1.1 unless `close`; HTTP/1.0 only
    /// with `keep-alive`).
    public var keepAlive: Bool
    /// `Content-Length`, when present and valid.
    public var contentLength: Int?
    /// `Transfer-Encoding` is present (chunked last, or the head is refused by the framer).
    public var hasTransferEncoding: Bool
    /// `Transfer-Encoding`'s last coding is `chunked`.
    public var chunked: Bool
    /// The `Expect` field's value.
    public var expect: String? {
        get { storedExpect.value }
        set { storedExpect = StoredOptionalString(newValue) }
    }
    /// The `Connection` field's tokens, lowercased (empty when there is none).
    public var connectionTokens: [String]
    /// The first `Host` field's value (nil: none).
    public var host: String? {
        get { storedHost.value }
        set { storedHost = StoredOptionalString(newValue) }
    }
    /// An `api-key` field is present (Azure's credential header; `LLMEndpoint.classify` asks).
    public var hasAPIKey: Bool
    /// Why this head cannot be framed (nil: it can): conflicting or invalid lengths, a
    /// transfer coding that does not end in chunked (RFC 9112 §6.3: 400, then close).
    public var framingError: String? {
        get { storedFramingError.value }
        set { storedFramingError = StoredOptionalString(newValue) }
    }
    // Stored without an optional payload: see `StoredOptionalString`.
    private var storedExpect: StoredOptionalString
    private var storedHost: StoredOptionalString
    private var storedFramingError: StoredOptionalString

    public var isHEAD: Bool { method == "HEAD" }

    public init(method: String, target: String, version: HTTPVersion, fields: [HTTPHeaderField]) {
        // The facts are gathered in locals and set on `self` once at the end.
        var close = false
        var keepAliveToken = false
        var host: String?
        var hasAPIKey = false
        var expect: String?
        var connectionTokens: [String] = []
        var contentLength: Int?
        var hasTransferEncoding = false
        var chunked = false
        var framingError: String?
        for index in fields.indices {
            let name = fields[index].name
            switch name.utf8.count {
            case 4 where host == nil && HeaderName.equals(name, "host"):
                host = fields[index].value
            case 7 where HeaderName.equals(name, "api-key"):
                hasAPIKey = true
            case 6 where HeaderName.equals(name, "expect"):
                expect = fields[index].value
            case 10 where HeaderName.equals(name, "connection"):
                for token in UpstreamResponseFramer.Framing.tokens(fields[index].value) {
                    if token == "close" { close = true } else if token == "keep-alive" { keepAliveToken = true }
                    connectionTokens.append(token)
                }
            case 14 where HeaderName.equals(name, "content-length"):
                let value = fields[index].value
                guard let length = UpstreamResponseFramer.Framing.contentLength(value),
                      contentLength == nil || contentLength == length
                else {
                    framingError = "invalid or conflicting Content-Length \"\(value.prefix(40))\""
                    continue
                }
                contentLength = length
            case 17 where HeaderName.equals(name, "transfer-encoding"):
                hasTransferEncoding = true
                chunked = UpstreamResponseFramer.Framing.tokens(fields[index].value).last == "chunked"
            default:
                break
            }
        }
        if hasTransferEncoding {
            // A request with both is a smuggling attempt or a broken client (RFC 9112 §6.1).
            if contentLength != nil { framingError = "both Transfer-Encoding and Content-Length" }
            if !chunked { framingError = "Transfer-Encoding whose last coding is not chunked" }
        }
        // Each stored property set once, here, with no delegation to another initializer (a
        // delegating `self.init(…)` copied the head).
        self.method = method
        self.target = target
        self.version = version
        self.fields = fields
        self.keepAlive = version.minor >= 1 ? !close : keepAliveToken && !close
        self.contentLength = contentLength
        self.hasTransferEncoding = hasTransferEncoding
        self.chunked = chunked
        storedExpect = StoredOptionalString(expect)
        self.connectionTokens = connectionTokens
        storedHost = StoredOptionalString(host)
        self.hasAPIKey = hasAPIKey
        storedFramingError = StoredOptionalString(framingError)
    }

    /// From NIO's parsed head (forward mode keeps NIO's HTTP/1.1 server codec).
    public init(_ head: HTTPRequestHead) {
        self.init(method: head.method.rawValue, target: head.uri, version: head.version,
                  fields: head.headers.map { HTTPHeaderField($0.name, $0.value) })
        keepAlive = head.isKeepAlive
    }

    /// Whether the first `Host` field's value is `value` (nil: there is none), without a copy of it.
    func hasHost(_ value: String?) -> Bool { storedHost.holds(value) }

    /// The request has a body to forward (chunked, or a length above zero).
    public var hasBody: Bool { chunked || (contentLength ?? 0) > 0 }

    /// The first value of a field, by its lowercase name.
    public func first(_ lowercaseName: String) -> String? {
        fields.first { HeaderName.equals($0.name, lowercase: lowercaseName) }?.value
    }
}
