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
    public var hasTransferEncoding = false
    /// `Transfer-Encoding`'s last coding is `chunked`.
    public var chunked = false
    /// The `Expect` field's value.
    public var expect: String?
    /// The `Connection` field's tokens, lowercased (empty when there is none).
    public var connectionTokens: [String] = []
    /// The first `Host` field's value (nil: none).
    public var host: String?
    /// An `api-key` field is present (Azure's credential header; `LLMEndpoint.classify` asks).
    public var hasAPIKey = false
    /// Why this head cannot be framed (nil: it can): conflicting or invalid lengths, a
    /// transfer coding that does not end in chunked (RFC 9112 §6.3: 400, then close).
    public var framingError: String?

    public var isHEAD: Bool { method == "HEAD" }

    public init(method: String, target: String, version: HTTPVersion, fields: [HTTPHeaderField]) {
        self.method = method
        self.target = target
        self.version = version
        self.fields = fields
        var close = false
        var keepAliveToken = false
        for field in fields {
            switch field.name.utf8.count {
            case 4 where host == nil && HeaderName.equals(field.name, "host"):
                host = field.value
            case 7 where HeaderName.equals(field.name, "api-key"):
                hasAPIKey = true
            case 6 where HeaderName.equals(field.name, "expect"):
                expect = field.value
            case 10 where HeaderName.equals(field.name, "connection"):
                for token in UpstreamResponseFramer.Framing.tokens(field.value) {
                    if token == "close" { close = true } else if token == "keep-alive" { keepAliveToken = true }
                    connectionTokens.append(token)
                }
            case 14 where HeaderName.equals(field.name, "content-length"):
                guard let length = UpstreamResponseFramer.Framing.contentLength(field.value),
                      contentLength == nil || contentLength == length
                else {
                    framingError = "invalid or conflicting Content-Length \"\(field.value.prefix(40))\""
                    continue
                }
                contentLength = length
            case 17 where HeaderName.equals(field.name, "transfer-encoding"):
                hasTransferEncoding = true
                chunked = UpstreamResponseFramer.Framing.tokens(field.value).last == "chunked"
            default:
                break
            }
        }
        if hasTransferEncoding {
            // A request with both is a smuggling attempt or a broken client (RFC 9112 §6.1).
            if contentLength != nil { framingError = "both Transfer-Encoding and Content-Length" }
            if !chunked { framingError = "Transfer-Encoding whose last coding is not chunked" }
        }
        keepAlive = version.minor >= 1 ? !close : keepAliveToken && !close
    }

    /// From NIO's parsed head (forward mode keeps NIO's HTTP/1.1 server codec).
    public init(_ head: HTTPRequestHead) {
        self.init(method: head.method.rawValue, target: head.uri, version: head.version,
                  fields: head.headers.map { HTTPHeaderField($0.name, $0.value) })
        keepAlive = head.isKeepAlive
    }

    /// The request has a body to forward (chunked, or a length above zero).
    public var hasBody: Bool { chunked || (contentLength ?? 0) > 0 }

    /// The first value of a field, by its lowercase name.
    public func first(_ lowercaseName: String) -> String? {
        fields.first { HeaderName.equals($0.name, lowercase: lowercaseName) }?.value
    }
}
