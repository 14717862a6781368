import NIOCore

/// Finds the messages in the bytes an upstream sends back on the direct path: the response head
/// (parsed by the pcap importer's `HTTP1HeadParser`) and the body, de-chunked by `HTTP1BodyFramer`,
/// as slices of the buffers read (no copy). An I/O-free state machine: feed it bytes in any split, down to one at
/// a time, and pull events until it returns nil.
///
/// ```swift
/// var framer = UpstreamResponseFramer()
/// framer.expectResponse(toHEAD: false)
/// var bytes = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
/// while let event = try framer.next(&bytes) { … }   // .head(200 …), .body("hi"), .end
/// ```
///
/// Framing follows RFC 9112 §6.3: no body for a response to HEAD, for 204 and 304; interim 1xx
/// responses are skipped; `Transfer-Encoding: chunked` (trailers dropped), else `Content-Length`,
/// else the body runs until the upstream closes (`closed()` ends it). It replaces NIO's HTTP/1.1
/// client codec there: the head is parsed once into the fields the record and the client need,
/// body bytes are never copied, and there is no pipeline stage per part.
public struct UpstreamResponseFramer: Sendable {
    public enum Event: Equatable, Sendable {
        case head(HTTP1Head)
        /// Body bytes, de-chunked (a slice of the buffer fed in).
        case body(ByteBuffer)
        case end
    }

    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Longest response head accepted.
    public var maxHeadBytes: Int { head.maxBytes }
    private var head: HTTP1HeadCollector
    /// The body in progress (nil: between responses, or waiting for a head).
    private var body: HTTP1BodyFramer?
    private var failed = false
    private var headRequest = false
    /// Whether the response in progress lets the connection be reused (keep-alive, framed body).
    public private(set) var reusable = true

    public init(maxHeadBytes: Int = 80 * 1024) {
        head = HTTP1HeadCollector(maxBytes: maxHeadBytes)
    }

    /// Between messages: no byte of a response has been seen since the last one ended.
    public var isIdle: Bool { body == nil && head.isEmpty && !failed }

    /// Tells the framer whether the request now sent is a HEAD (its response has no body).
    public mutating func expectResponse(toHEAD: Bool) {
        headRequest = toHEAD
    }

    /// Forgets a response in progress (the connection it came on is gone).
    public mutating func reset() {
        head.reset()
        body = nil
        failed = false
        reusable = true
    }

    /// The next event from `buffer`, consuming what it used; nil when more bytes are needed.
    public mutating func next(_ buffer: inout ByteBuffer) throws(Failure) -> Event? {
        while true {
            if failed { throw Failure(description: "the upstream response could not be parsed") }
            if body != nil {
                do {
                    switch try HTTP1BodyFramer.next(of: &body, &buffer) {
                    case .data(let slice): return .body(slice)
                    case .end: return .end
                    case nil: return nil
                    }
                } catch {
                    throw fail("response body: \(error)")
                }
            }
            guard buffer.readableBytes > 0 else { return nil }
            let bytes: ByteBuffer?
            do {
                bytes = try head.take(&buffer)
            } catch {
                throw fail("response head longer than \(head.maxBytes) bytes")
            }
            guard let bytes else { return nil }
            if let event = try finishHead(bytes) { return event }
        }
    }

    /// The upstream closed the connection: `.end` when the body ran until the close, nil when it
    /// closed between messages; a failure when it closed inside a message.
    public mutating func closed() throws(Failure) -> Event? {
        if body != nil {
            do {
                guard try body!.closed() != nil else { return nil }
            } catch {
                throw fail("the upstream closed the connection inside a response")
            }
            body = nil
            return .end
        }
        if head.isEmpty && !failed { return nil }
        throw fail("the upstream closed the connection inside a response")
    }

    // MARK: heads

    private mutating func finishHead(_ bytes: ByteBuffer) throws(Failure) -> Event? {
        if bytes.readableBytesView.allSatisfy({ $0 == 0x0d || $0 == 0x0a }) { return nil }
        let head: HTTP1Head
        do {
            head = try HTTP1HeadParser.parse(bytes, kind: .response)
        } catch {
            throw fail("not an HTTP/1.x response: \(error)")
        }
        guard let status = head.status else { throw fail("response without a status") }
        if status >= 100 && status < 200 && status != 101 { return nil }  // interim: the final one follows
        let framing = Framing(head)
        reusable = head.version == "HTTP/1.0" ? framing.keepAlive : !framing.close
        if headRequest || status == 204 || status == 304 {
            body = HTTP1BodyFramer(.length(0))
        } else if framing.chunked {
            body = HTTP1BodyFramer(.chunked)
        } else if let lengthText = framing.contentLength {
            // A list of equal values counts as one (RFC 9110 §8.6).
            guard let length = Framing.contentLength(lengthText) else {
                throw fail("invalid Content-Length \(lengthText)")
            }
            body = HTTP1BodyFramer(.length(length))
        } else {
            body = HTTP1BodyFramer(.untilClose)
            reusable = false
        }
        return .head(consume head)
    }

    /// What a response head says about its framing and connection, from one pass over its fields
    /// (names compared only when their length matches).
    struct Framing {
        var close = false
        var keepAlive = false
        var chunked = false
        var contentLength: String?

        /// `borrowing`: an initializer owns its arguments by default, so passing the head that
        /// the framer returns afterwards copied it (a retain and release per string in it).
        init(_ head: borrowing HTTP1Head) {
            for field in head.headers {
                switch field.name.utf8.count {
                case 10 where HeaderName.equals(field.name, "connection"):
                    for token in Framing.tokens(field.value) {
                        if token == "close" { close = true } else if token == "keep-alive" { keepAlive = true }
                    }
                case 17 where HeaderName.equals(field.name, "transfer-encoding"):
                    // Chunked only when it is the last coding (RFC 9112 §6.3).
                    if let last = Framing.tokens(field.value).last { chunked = last == "chunked" }
                case 14 where contentLength == nil && HeaderName.equals(field.name, "content-length"):
                    contentLength = field.value
                default:
                    break
                }
            }
        }

        /// A `Content-Length` value: a list of equal values counts as one (RFC 9110 §8.6); nil
        /// when invalid.
        static func contentLength(_ text: String) -> Int? {
            // One pass over the bytes, no array of parts (this runs for every request and response
            // head: the split showed in the event loops' profile).
            var result: Int?
            var value = 0
            var digits = 0
            var spaceAfterDigits = false
            func endOfElement() -> Bool {
                guard digits > 0, result == nil || result == value else { return false }
                result = value
                value = 0
                digits = 0
                spaceAfterDigits = false
                return true
            }
            for byte in text.utf8 {
                switch byte {
                case 0x30...0x39:
                    guard !spaceAfterDigits, digits < 18 else { return nil }
                    value = value * 10 + Int(byte &- 0x30)
                    digits += 1
                case 0x20, 0x09:
                    if digits > 0 { spaceAfterDigits = true }
                case 0x2c:
                    guard endOfElement() else { return nil }
                default:
                    return nil
                }
            }
            return endOfElement() ? result : nil
        }

        static func tokens(_ value: String) -> [String] {
            value.split(separator: ",").map { trimmed($0).lowercased() }
        }

        /// Spaces and tabs cut from both ends (Foundation's `trimmingCharacters` cost more than
        /// the rest of the head here).
        static func trimmed(_ text: Substring) -> Substring {
            let utf8 = text.utf8
            var start = utf8.startIndex
            var end = utf8.endIndex
            while start < end, utf8[start] == 0x20 || utf8[start] == 0x09 { utf8.formIndex(after: &start) }
            while start < end {
                let last = utf8.index(before: end)
                guard utf8[last] == 0x20 || utf8[last] == 0x09 else { break }
                end = last
            }
            return Substring(utf8[start..<end])
        }
    }

    private mutating func fail(_ reason: String) -> Failure {
        failed = true
        body = nil
        head.reset()
        return Failure(description: reason)
    }
}
