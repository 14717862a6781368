import NIOCore
import UnderstudyArchive

/// Parses one direction of an HTTP/1.x connection (requests from the client, or responses from
/// the server) out of a reassembled TCP stream. An I/O-free state machine: feed it bytes in any
/// split, down to one byte at a time, and it reports heads, body bytes and message ends.
///
/// ```swift
/// var responses = HTTP1MessageParser(kind: .response)
/// responses.expectResponse(toMethod: "GET")
/// var events: [HTTP1MessageParser.Event] = []
/// responses.parse(Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi".utf8), into: &events)
/// // [.head(…200…), .body([104, 105]), .end(trailers: [], complete: true)]
/// ```
///
/// Framing follows RFC 9112 §6 (bodies framed by `HTTP1BodyFramer`, the proxy's body framing
/// too): `Transfer-Encoding: chunked` (trailers reported at the end),
/// else `Content-Length`, else for responses the body runs to the connection's close. Responses
/// to HEAD, 1xx, 204 and 304 have no body; a 101 or a successful CONNECT turns the rest of the
/// connection into a tunnel that is not parsed. Body bytes are reported de-chunked but not
/// content-decoded. A gap in the stream inside a body whose framing survives it (content length,
/// inside a chunk) only marks the message incomplete; elsewhere the parser loses sync and resumes
/// at the next data that starts like a message.
public struct HTTP1MessageParser: Sendable {
    public enum Kind: Sendable, Equatable { case request, response }

    public enum Event: Sendable, Equatable {
        case head(HTTP1Head)
        /// Body bytes, de-chunked, still content-encoded.
        case body([UInt8])
        /// The message ended. `complete` is false when bytes were missing or the stream stopped early.
        case end(trailers: [HTTPHeaderField], complete: Bool)
        /// Bytes that are not HTTP/1.x here (or a gap made the framing unknowable) were skipped.
        case lostSync(reason: String)
    }

    private enum State: Sendable, Equatable {
        case head
        /// In a body, framed by `body`.
        case body
        case lost
        case tunnel
    }

    public let kind: Kind
    /// Longest message head accepted before the parser gives up on the message.
    public let maxHeadBytes: Int
    private var state: State = .head
    private var body = HTTP1BodyFramer(.length(0))
    private var buffer: [UInt8] = []
    private var lineLength = 0
    private var incomplete = false
    private var methods: [String] = []
    private var methodsHead = 0

    public init(kind: Kind, maxHeadBytes: Int = 256 * 1024) {
        self.kind = kind
        self.maxHeadBytes = maxHeadBytes
    }

    /// True between messages (or while out of sync): the next byte may start a new one.
    public var isIdle: Bool { (state == .head && buffer.isEmpty) || state == .lost }
    /// True once the connection became a tunnel (101 Switching Protocols, CONNECT).
    public var isTunnel: Bool { state == .tunnel }

    /// Tells a response parser the method of the next request in line, so it knows whether the
    /// response can have a body (HEAD, CONNECT). Call once per request, in order.
    public mutating func expectResponse(toMethod method: String) {
        methods.append(method)
    }

    /// Parses the next bytes of the stream.
    public mutating func parse(_ bytes: [UInt8], into events: inout [Event]) {
        var index = 0
        if state == .lost {
            // Segment boundaries are the likeliest places for a message to start again.
            guard looksLikeMessageStart(bytes) else { return }
            state = .head
            buffer.removeAll(keepingCapacity: true)
            lineLength = 0
        }
        while index < bytes.count {
            switch state {
            case .head:
                index = scanHead(bytes, from: index, into: &events)
            case .body:
                index = parseBody(bytes, from: index, into: &events)
            case .lost, .tunnel:
                index = bytes.count
            }
        }
    }

    /// Feeds body bytes to the body framer; returns where its message ended (or `bytes.count`).
    private mutating func parseBody(_ bytes: [UInt8], from start: Int, into events: inout [Event]) -> Int {
        var buffer = ByteBuffer(bytes: bytes[start...])
        do {
            while state == .body, let event = try body.next(&buffer) {
                switch event {
                case .data(let slice):
                    events.append(.body(Array(slice.readableBytesView)))
                case .end(let trailers):
                    let fields = trailers.isEmpty ? [] : (try? HTTP1HeadParser.parseFields(trailers)) ?? []
                    endMessage(trailers: fields, into: &events)
                }
            }
        } catch {
            loseSync(error.reason, into: &events)
            return bytes.count
        }
        return bytes.count - buffer.readableBytes
    }

    /// `count` bytes of the stream are missing at this point.
    public mutating func gap(_ count: Int, into events: inout [Event]) {
        switch state {
        case .body:
            incomplete = true
            if body.gap(count) {
                // A gap that reached the end of a length: the message ends here.
                var empty = ByteBuffer()
                if case .end = try? body.next(&empty) { endMessage(trailers: [], into: &events) }
            } else {
                events.append(.end(trailers: [], complete: false))
                state = .lost
            }
        case .head where buffer.isEmpty:
            state = .lost
        case .head:
            loseSync("\(count) bytes missing inside a message head", into: &events)
        case .lost, .tunnel:
            break
        }
    }

    /// The stream ended (FIN, reset, timeout or end of capture).
    public mutating func close(into events: inout [Event]) {
        switch state {
        case .body:
            if (try? body.closed()) == nil { incomplete = true }
            endMessage(trailers: [], into: &events)
        case .head where !buffer.isEmpty:
            events.append(.lostSync(reason: "stream ended inside a message head"))
        case .head, .lost, .tunnel:
            break
        }
        state = .lost
    }

    // MARK: - Heads and trailers

    /// Collects bytes up to the empty line that ends a head (or a trailer section).
    private mutating func scanHead(_ bytes: [UInt8], from start: Int, into events: inout [Event]) -> Int {
        var index = start
        var segmentStart = start
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == 0x0a {
                if lineLength == 0 {
                    if buffer.isEmpty && index - 1 == segmentStart + countCR(bytes, segmentStart, index - 1) {
                        // Empty lines between messages are allowed (RFC 9112 §2.2): skip them.
                        segmentStart = index
                        continue
                    }
                    buffer.append(contentsOf: bytes[segmentStart..<index])
                    finishHead(into: &events)
                    return index
                }
                lineLength = 0
            } else if byte != 0x0d {
                lineLength += 1
            }
        }
        buffer.append(contentsOf: bytes[segmentStart..<index])
        if buffer.count > maxHeadBytes {
            loseSync("message head longer than \(maxHeadBytes) bytes", into: &events)
        }
        return index
    }

    private func countCR(_ bytes: [UInt8], _ from: Int, _ to: Int) -> Int {
        var count = 0
        for i in from..<to where bytes[i] == 0x0d { count += 1 }
        return count
    }

    private mutating func finishHead(into events: inout [Event]) {
        let bytes = buffer
        buffer.removeAll(keepingCapacity: true)
        lineLength = 0
        let head: HTTP1Head
        do {
            head = try HTTP1HeadParser.parse(bytes, kind: kind)
        } catch {
            loseSync("not an HTTP/1.x \(kind == .request ? "request" : "response"): \(error)", into: &events)
            return
        }
        events.append(.head(head))
        incomplete = false
        frameBody(of: head, into: &events)
    }

    /// Chooses how the body of the message just parsed is delimited (RFC 9112 §6.3).
    private mutating func frameBody(of head: HTTP1Head, into events: inout [Event]) {
        var method: String?
        if kind == .response, let status = head.status {
            if status >= 100 && status < 200 && status != 101 {
                events.append(.end(trailers: [], complete: true))  // interim response; the final one follows
                return
            }
            if methodsHead < methods.count {
                method = methods[methodsHead]
                methodsHead += 1
                if methodsHead > 64 {
                    methods.removeFirst(methodsHead)
                    methodsHead = 0
                }
            }
            if status == 101 || (method == "CONNECT" && status / 100 == 2) {
                events.append(.end(trailers: [], complete: true))
                state = .tunnel
                return
            }
            if method == "HEAD" || status == 204 || status == 304 {
                endMessage(trailers: [], into: &events)
                return
            }
        }
        if head.listValues("transfer-encoding").last == "chunked" {
            startBody(.chunked)
        } else if let lengthText = head.headers.first(named: "Content-Length") {
            guard let length = UpstreamResponseFramer.Framing.contentLength(lengthText) else {
                loseSync("invalid Content-Length \(lengthText)", into: &events)
                return
            }
            if length == 0 { endMessage(trailers: [], into: &events) } else { startBody(.length(length)) }
        } else if kind == .response {
            startBody(.untilClose)
        } else {
            endMessage(trailers: [], into: &events)
        }
    }

    private mutating func startBody(_ framing: HTTP1BodyFramer.Framing) {
        body = HTTP1BodyFramer(framing, maxTrailerBytes: maxHeadBytes)
        state = .body
    }

    // MARK: - Ends and sync

    private mutating func endMessage(trailers: [HTTPHeaderField], into events: inout [Event]) {
        events.append(.end(trailers: trailers, complete: !incomplete))
        incomplete = false
        state = .head
        buffer.removeAll(keepingCapacity: true)
        lineLength = 0
    }

    private mutating func loseSync(_ reason: String, into events: inout [Event]) {
        if state == .body { events.append(.end(trailers: [], complete: false)) }
        events.append(.lostSync(reason: reason))
        state = .lost
        incomplete = false
        buffer.removeAll(keepingCapacity: true)
        lineLength = 0
    }

    /// A plausible first line of a message: `HTTP/1.` for responses, `TOKEN SP` for requests.
    private func looksLikeMessageStart(_ bytes: [UInt8]) -> Bool {
        switch kind {
        case .response:
            return bytes.starts(with: Array("HTTP/1.".utf8))
        case .request:
            guard let space = bytes.prefix(16).firstIndex(of: 0x20), space >= 3 else { return false }
            return bytes[..<space].allSatisfy { $0 >= 0x41 && $0 <= 0x5a }
        }
    }
}
