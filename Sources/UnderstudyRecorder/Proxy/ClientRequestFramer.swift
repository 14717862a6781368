import NIOCore
import NIOHTTP1

/// Finds the requests in the bytes a client sends to the reverse proxy: each head (parsed once,
/// strictly, by `HTTP1HeadParser`), then its body as slices of the buffers read, de-chunked,
/// never copied (`Content-Length` or chunked, by `HTTP1BodyFramer`), then its end. An I/O-free
/// state machine: feed it bytes in any split, down to one at a time, and pull events until it
/// returns nil. Pipelined requests come one after the other; the caller decides when to ask for
/// the next head (`atMessageBoundary`). It replaces NIO's HTTP/1.1 server decoder and pipelining
/// handler on the proxy's client side.
///
/// ```swift
/// var framer = ClientRequestFramer(maxHeadBytes: 64 * 1024)
/// var bytes = ByteBuffer(string: "POST /v1/x HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi")
/// while let event = try framer.next(&bytes) { … }   // .head(POST /v1/x), .body("hi"), .end
/// ```
///
/// Errors name what broke and where (which request on the connection, which byte of its body);
/// a head longer than the limit is `headTooLarge` (431), anything else `malformed` (400). After
/// a failure the framer stays failed: the connection's framing is lost.
public struct ClientRequestFramer: Sendable {
    public enum Event: Equatable, Sendable {
        case head(ClientRequestHead)
        /// Body bytes, de-chunked (a slice of the buffer fed in).
        case body(ByteBuffer)
        case end
    }

    public struct Failure: Error, Equatable, CustomStringConvertible {
        public enum Kind: Equatable, Sendable { case malformed, headTooLarge }
        public let kind: Kind
        public let description: String
        /// The status to answer with: 431 or 400.
        public var status: Int { kind == .headTooLarge ? 431 : 400 }
    }

    private var head: HTTP1HeadCollector
    private var body: HTTP1BodyFramer?
    private var failed = false
    /// Requests begun on this connection (for error messages).
    public private(set) var requestCount = 0

    /// `maxHeadBytes`: the longest head (request line and fields) accepted.
    public init(maxHeadBytes: Int) {
        head = HTTP1HeadCollector(maxBytes: maxHeadBytes)
    }

    /// Between requests: the next event would be a new head.
    public var atMessageBoundary: Bool { body == nil && head.isEmpty && !failed }

    /// The next event, consuming what it used from `buffer`; nil when more bytes are needed.
    public mutating func next(_ buffer: inout ByteBuffer) throws(Failure) -> Event? {
        while true {
            if failed { throw Failure(kind: .malformed, description: "the request framing was lost earlier") }
            if body != nil {
                do {
                    switch try HTTP1BodyFramer.next(of: &body, &buffer) {
                    case .data(let slice): return .body(slice)
                    case .end: return .end
                    case nil: return nil
                    }
                } catch {
                    throw fail(.malformed, "request \(requestCount)'s body: \(error)")
                }
            }
            guard buffer.readableBytes > 0 else { return nil }
            let bytes: ByteBuffer?
            do {
                bytes = try head.take(&buffer)
            } catch {
                throw fail(.headTooLarge, "request \(requestCount + 1)'s head is longer than \(head.maxBytes) bytes")
            }
            guard let bytes else { return nil }
            // Empty lines before a request are allowed (RFC 9112 §2.2).
            if bytes.readableBytesView.allSatisfy({ $0 == 0x0d || $0 == 0x0a }) { continue }
            return .head(try finishHead(bytes))
        }
    }

    private mutating func finishHead(_ bytes: ByteBuffer) throws(Failure) -> ClientRequestHead {
        requestCount += 1
        let parsed: HTTP1Head
        do {
            parsed = try HTTP1HeadParser.parse(bytes, kind: .request, strict: true)
        } catch {
            throw fail(.malformed, "request \(requestCount)'s head: \(error)")
        }
        let version: HTTPVersion = parsed.version == "HTTP/1.0" ? .http1_0 : .http1_1
        let request = ClientRequestHead(method: parsed.method ?? "", target: parsed.target ?? "", version: version,
                                        fields: parsed.headers)
        if let error = request.framingError {
            throw fail(.malformed, "request \(requestCount)'s head: \(error)")
        }
        if request.chunked {
            body = HTTP1BodyFramer(.chunked)
        } else {
            body = HTTP1BodyFramer(.length(request.contentLength ?? 0))
        }
        return request
    }

    private mutating func fail(_ kind: Failure.Kind, _ description: String) -> Failure {
        failed = true
        body = nil
        head.reset()
        return Failure(kind: kind, description: description)
    }
}
