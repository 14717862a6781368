import NIOCore

/// Finds the messages in the bytes an upstream sends back on the direct path: the response head
/// (parsed by the pcap importer's `HTTP1HeadParser`) and the body, de-chunked, as slices of the
/// buffers read (no copy). An I/O-free state machine: feed it bytes in any split, down to one at
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

    private enum State: Equatable {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case failed
    }

    /// Longest response head (or trailer section, or chunk-size line) accepted.
    public let maxHeadBytes: Int
    private var state = State.head
    /// A head, trailer section or chunk-size line split across reads.
    private var partial: [UInt8] = []
    /// The partial head ends with a line feed (and maybe a CR): one more line feed ends it.
    private var partialEndsLine = false
    private var headRequest = false
    /// Whether the response in progress lets the connection be reused (keep-alive, framed body).
    public private(set) var reusable = true

    public init(maxHeadBytes: Int = 80 * 1024) {
        self.maxHeadBytes = maxHeadBytes
    }

    /// Between messages: no byte of a response has been seen since the last one ended.
    public var isIdle: Bool { state == .head && partial.isEmpty }

    /// Tells the framer whether the request now sent is a HEAD (its response has no body).
    public mutating func expectResponse(toHEAD: Bool) {
        headRequest = toHEAD
    }

    /// Forgets a response in progress (the connection it came on is gone).
    public mutating func reset() {
        state = .head
        partial = []
        pendingEnd = false
        reusable = true
    }

    /// The next event from `buffer`, consuming what it used; nil when more bytes are needed.
    public mutating func next(_ buffer: inout ByteBuffer) throws(Failure) -> Event? {
        if pendingEnd {
            pendingEnd = false
            return .end
        }
        while buffer.readableBytes > 0 {
            switch state {
            case .head:
                guard let bytes = try takeHead(&buffer) else { return nil }
                if let event = try finishHead(bytes) { return event }
            case .fixed(let remaining):
                let take = min(remaining, buffer.readableBytes)
                let slice = buffer.readSlice(length: take)!
                if take == remaining {
                    state = .head
                    pendingEnd = true
                } else {
                    state = .fixed(remaining: remaining - take)
                }
                return .body(slice)
            case .chunkSize:
                guard let line = try takeLine(&buffer) else { return nil }
                try chunkSize(line)
            case .chunkData(let remaining):
                let take = min(remaining, buffer.readableBytes)
                let slice = buffer.readSlice(length: take)!
                state = take == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - take)
                return .body(slice)
            case .chunkDataEnd:
                let byte = buffer.readInteger(as: UInt8.self)!
                if byte == 0x0a {
                    state = .chunkSize
                } else if byte != 0x0d {
                    throw fail("chunk data not followed by CRLF")
                }
            case .trailers:
                guard try takeHead(&buffer) != nil else { return nil }
                state = .head
                return .end
            case .untilClose:
                return .body(buffer.readSlice(length: buffer.readableBytes)!)
            case .failed:
                throw Failure(description: "the upstream response could not be parsed")
            }
        }
        return nil
    }

    /// A body that ended with the data just returned: `.end` comes with the next call.
    private var pendingEnd = false

    /// The upstream closed the connection: `.end` when the body ran until the close, nil when it
    /// closed between messages; a failure when it closed inside a message.
    public mutating func closed() throws(Failure) -> Event? {
        if pendingEnd {
            pendingEnd = false
            return .end
        }
        switch state {
        case .untilClose:
            state = .head
            return .end
        case .head where partial.isEmpty:
            return nil
        default:
            throw fail("the upstream closed the connection inside a response")
        }
    }

    // MARK: heads

    /// The bytes of a head (through its empty line) once complete; keeps a partial one.
    private mutating func takeHead(_ buffer: inout ByteBuffer) throws(Failure) -> [UInt8]? {
        // A head ends at an empty line: LF (CR) LF. The search resumes where the partial head
        // ended, one byte back for a CR LF split across reads.
        let found: Int? = buffer.withUnsafeReadableBytes { bytes in
            // A trailer section starts right after the last chunk's size line: an empty one is a
            // lone CR LF.
            var previousLF = partial.isEmpty ? state == .trailers : partialEndsLine
            for index in 0..<bytes.count {
                let byte = bytes[index]
                if byte == 0x0a {
                    if previousLF { return index + 1 }
                    previousLF = true
                } else if byte != 0x0d {
                    previousLF = false
                }
            }
            partialEndsLine = previousLF
            return nil
        }
        guard let found else {
            partial.append(contentsOf: buffer.readableBytesView)
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            if partial.count > maxHeadBytes { throw fail("response head longer than \(maxHeadBytes) bytes") }
            return nil
        }
        var bytes = partial
        partial.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: buffer.readableBytesView.prefix(found))
        buffer.moveReaderIndex(forwardBy: found)
        if bytes.count > maxHeadBytes { throw fail("response head longer than \(maxHeadBytes) bytes") }
        // Empty lines before a message are allowed (RFC 9112 §2.2); a head has a start line.
        return bytes
    }

    private mutating func finishHead(_ bytes: [UInt8]) throws(Failure) -> Event? {
        if bytes.allSatisfy({ $0 == 0x0d || $0 == 0x0a }) { return nil }
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
            pendingEnd = true
            return .head(head)
        }
        if framing.chunked {
            state = .chunkSize
        } else if let lengthText = framing.contentLength {
            // A list of equal values counts as one (RFC 9110 §8.6).
            let values = Set(lengthText.split(separator: ",").map { Framing.trimmed($0) })
            guard values.count == 1, let length = Int(values.first!), length >= 0 else {
                throw fail("invalid Content-Length \(lengthText)")
            }
            if length == 0 { pendingEnd = true } else { state = .fixed(remaining: length) }
        } else {
            state = .untilClose
            reusable = false
        }
        return .head(head)
    }

    /// What a response head says about its framing and connection, from one pass over its fields
    /// (names compared only when their length matches).
    struct Framing {
        var close = false
        var keepAlive = false
        var chunked = false
        var contentLength: String?

        init(_ head: HTTP1Head) {
            for field in head.headers {
                switch field.name.utf8.count {
                case 10 where field.name.lowercased() == "connection":
                    for token in Framing.tokens(field.value) {
                        if token == "close" { close = true } else if token == "keep-alive" { keepAlive = true }
                    }
                case 17 where field.name.lowercased() == "transfer-encoding":
                    // Chunked only when it is the last coding (RFC 9112 §6.3).
                    if let last = Framing.tokens(field.value).last { chunked = last == "chunked" }
                case 14 where contentLength == nil && field.name.lowercased() == "content-length":
                    contentLength = field.value
                default:
                    break
                }
            }
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

    // MARK: chunks

    /// One line (a chunk size), without its terminator, once complete.
    private mutating func takeLine(_ buffer: inout ByteBuffer) throws(Failure) -> [UInt8]? {
        guard let lf = buffer.readableBytesView.firstIndex(of: 0x0a) else {
            partial.append(contentsOf: buffer.readableBytesView)
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            if partial.count > 1024 { throw fail("chunk size line longer than 1024 bytes") }
            return nil
        }
        let length = lf - buffer.readerIndex
        var line = partial
        partial.removeAll(keepingCapacity: true)
        line.append(contentsOf: buffer.readableBytesView.prefix(length))
        buffer.moveReaderIndex(forwardBy: length + 1)
        if line.last == 0x0d { line.removeLast() }
        return line
    }

    private mutating func chunkSize(_ line: [UInt8]) throws(Failure) {
        var size = 0
        var digits = 0
        for byte in line {
            let value: Int
            switch byte {
            case 0x30...0x39: value = Int(byte - 0x30)
            case 0x41...0x46: value = Int(byte - 0x41 + 10)
            case 0x61...0x66: value = Int(byte - 0x61 + 10)
            case 0x3b, 0x20, 0x09: value = -1  // extensions (`;`) and whitespace end the number
            default: throw fail("invalid chunk size line \"\(String(decoding: line.prefix(40), as: UTF8.self))\"")
            }
            if value < 0 { break }
            digits += 1
            guard digits <= 15 else { throw fail("chunk size too large") }
            size = size * 16 + value
        }
        guard digits > 0 else { throw fail("empty chunk size line") }
        state = size == 0 ? .trailers : .chunkData(remaining: size)
    }

    private mutating func fail(_ reason: String) -> Failure {
        state = .failed
        partial = []
        return Failure(description: reason)
    }
}
