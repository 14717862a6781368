import NIOCore

/// Finds the end of one HTTP/1.x message body (RFC 9112 §6) in bytes split in any way, and
/// returns the body de-chunked as slices of the buffers fed in (never copied). The one body
/// framing state machine of the project: the proxy's request framer (`ClientRequestFramer`), its
/// response framer (`UpstreamResponseFramer`) and the pcap importer's `HTTP1MessageParser` all
/// frame bodies with it. No I/O.
///
/// ```swift
/// var body = HTTP1BodyFramer(.chunked)
/// var bytes = ByteBuffer(string: "2\r\nhi\r\n0\r\n\r\n")
/// while let event = try body.next(&bytes) { … }   // .data("hi"), .end(trailers: [])
/// ```
public struct HTTP1BodyFramer: Sendable {
    public enum Framing: Equatable, Sendable {
        /// `Content-Length: n`.
        case length(Int)
        /// `Transfer-Encoding: chunked`.
        case chunked
        /// A response without either: the body runs until the connection closes.
        case untilClose
    }

    public enum Event: Equatable, Sendable {
        /// Body bytes, de-chunked (a slice of the buffer fed in).
        case data(ByteBuffer)
        /// The body ended; the trailer section's bytes (empty when there was none).
        case end(trailers: [UInt8])
    }

    /// What broke the framing, and at which byte of the body (framing bytes counted).
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public let offset: Int
        public var description: String { "\(reason) at byte \(offset) of the body" }
    }

    private enum State: Equatable, Sendable {
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        /// Complete: `.end` is the next event.
        case ended
        /// `.end` was returned.
        case done
        case failed
    }

    private var state: State
    /// A chunk-size line or trailer section split across reads.
    private var lines: HTTP1HeadCollector
    private var trailers: [UInt8] = []
    /// Bytes of the body consumed so far, framing included (for error messages).
    public private(set) var offset = 0

    public init(_ framing: Framing, maxTrailerBytes: Int = 64 * 1024) {
        switch framing {
        case .length(let length): state = length > 0 ? .fixed(remaining: length) : .ended
        case .chunked: state = .chunkSize
        case .untilClose: state = .untilClose
        }
        lines = HTTP1HeadCollector(maxBytes: maxTrailerBytes)
    }

    /// The body's end was returned.
    public var isDone: Bool { state == .done }

    /// Inside a length-delimited stretch (content length, or chunk data) with `count` bytes to go
    /// at least: a gap of fewer bytes leaves the framing intact (pcap).
    public var remainingInStretch: Int? {
        switch state {
        case .fixed(let remaining), .chunkData(let remaining): return remaining
        default: return nil
        }
    }

    /// `next(_:)` for a framer that holds the body of the message in flight (nil between
    /// messages): once the body ends, `framer` becomes nil, so the bytes after it start the next
    /// message. The proxy's request and response framers drive their bodies this way.
    public static func next(of framer: inout HTTP1BodyFramer?, _ buffer: inout ByteBuffer) throws(Failure) -> Event? {
        guard framer != nil else { return nil }
        let event = try framer!.next(&buffer)
        if case .end = event { framer = nil }
        return event
    }

    /// The next event, consuming what it used from `buffer`; nil when more bytes are needed (or
    /// after the end).
    public mutating func next(_ buffer: inout ByteBuffer) throws(Failure) -> Event? {
        while true {
            switch state {
            case .ended:
                state = .done
                return .end(trailers: trailers)
            case .done:
                return nil
            case .failed:
                throw Failure(reason: "the body framing was lost earlier", offset: offset)
            default:
                break
            }
            guard buffer.readableBytes > 0 else { return nil }
            switch state {
            case .fixed(let remaining):
                let slice = take(min(remaining, buffer.readableBytes), from: &buffer)
                state = slice.readableBytes == remaining ? .ended : .fixed(remaining: remaining - slice.readableBytes)
                return .data(slice)
            case .chunkData(let remaining):
                let slice = take(min(remaining, buffer.readableBytes), from: &buffer)
                state = slice.readableBytes == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - slice.readableBytes)
                return .data(slice)
            case .untilClose:
                return .data(take(buffer.readableBytes, from: &buffer))
            case .chunkDataEnd:
                let byte = buffer.readInteger(as: UInt8.self)!
                if byte == 0x0a {
                    state = .chunkSize
                } else if byte != 0x0d {
                    throw fail("chunk data not followed by CRLF")
                }
                offset += 1
            case .chunkSize:
                // Where the line began (a part of it may have come in an earlier buffer).
                let lineStart = offset - lineBytes.count
                guard try takeChunkSize(&buffer, lineStart: lineStart) else { return nil }
            case .trailers:
                let before = buffer.readableBytes
                let section: ByteBuffer?
                do {
                    section = try lines.take(&buffer, atLineStart: true)
                } catch {
                    throw fail("trailer section longer than \(lines.maxBytes) bytes")
                }
                offset += before - buffer.readableBytes
                guard let section else { return nil }
                trailers = section.readableBytes > 2 ? Array(section.readableBytesView) : []
                state = .ended
            case .ended, .done, .failed:
                break
            }
        }
    }

    /// The connection closed: `.end` when the body runs until the close (or was complete), a
    /// failure when it closed inside the body.
    public mutating func closed() throws(Failure) -> Event? {
        switch state {
        case .untilClose, .ended:
            state = .done
            return .end(trailers: trailers)
        case .done:
            return nil
        default:
            throw fail("the connection closed inside the body")
        }
    }

    /// `count` bytes of the stream are missing (pcap). True when the framing survives it (inside
    /// a length-delimited stretch, or a body that runs until the close).
    public mutating func gap(_ count: Int) -> Bool {
        offset += count
        switch state {
        case .fixed(let remaining) where count < remaining:
            state = .fixed(remaining: remaining - count)
            return true
        case .fixed(let remaining) where count == remaining:
            state = .ended
            return true
        case .chunkData(let remaining) where count < remaining:
            state = .chunkData(remaining: remaining - count)
            return true
        case .untilClose:
            return true
        default:
            state = .failed
            return false
        }
    }

    private mutating func take(_ length: Int, from buffer: inout ByteBuffer) -> ByteBuffer {
        offset += length
        return buffer.readSlice(length: length)!
    }

    // MARK: chunks

    /// Reads one chunk-size line, once complete, and sets the state it names. A line that came
    /// whole in `buffer` (the usual case: every event of a stream is a chunk) is parsed in place;
    /// copying each into an array cost an allocation or two per chunk.
    private mutating func takeChunkSize(_ buffer: inout ByteBuffer, lineStart: Int) throws(Failure) -> Bool {
        guard let lf = buffer.readableBytesView.firstIndex(of: 0x0a) else {
            if buffer.readableBytes + lineBytes.count > 1024 { throw fail("chunk size line longer than 1024 bytes") }
            lineBytes.append(contentsOf: buffer.readableBytesView)
            offset += buffer.readableBytes
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            return false
        }
        let length = lf - buffer.readerIndex
        let parsed: ChunkSize
        if lineBytes.isEmpty {
            parsed = buffer.withUnsafeReadableBytes { Self.chunkSize(UnsafeRawBufferPointer(rebasing: $0[..<length])) }
        } else {
            var line = lineBytes
            lineBytes = []
            line.append(contentsOf: buffer.readableBytesView.prefix(length))
            parsed = line.withUnsafeBytes { Self.chunkSize($0) }
        }
        offset += length + 1
        buffer.moveReaderIndex(forwardBy: length + 1)
        switch parsed {
        case .size(let size): state = size == 0 ? .trailers : .chunkData(remaining: size)
        case .invalid(let line): throw fail("invalid chunk size line \"\(line)\"", at: lineStart)
        case .tooLarge: throw fail("chunk size too large", at: lineStart)
        case .empty: throw fail("empty chunk size line", at: lineStart)
        }
        return true
    }

    private var lineBytes: [UInt8] = []

    private enum ChunkSize {
        case size(Int)
        case invalid(String)
        case tooLarge
        case empty
    }

    /// The size a chunk-size line names (its terminator's CR, if any, still in `line`).
    private static func chunkSize(_ line: UnsafeRawBufferPointer) -> ChunkSize {
        let line = line.last == 0x0d ? UnsafeRawBufferPointer(rebasing: line.dropLast()) : line
        var size = 0
        var digits = 0
        for byte in line {
            let value: Int
            switch byte {
            case 0x30...0x39: value = Int(byte - 0x30)
            case 0x41...0x46: value = Int(byte - 0x41 + 10)
            case 0x61...0x66: value = Int(byte - 0x61 + 10)
            case 0x3b, 0x20, 0x09: value = -1  // extensions (`;`) and whitespace end the number
            default: return .invalid(String(decoding: line.prefix(40), as: UTF8.self))
            }
            if value < 0 { break }
            digits += 1
            guard digits <= 15 else { return .tooLarge }
            size = size * 16 + value
        }
        return digits > 0 ? .size(size) : .empty
    }

    private mutating func fail(_ reason: String, at offset: Int? = nil) -> Failure {
        state = .failed
        lineBytes = []
        lines.reset()
        return Failure(reason: reason, offset: offset ?? self.offset)
    }
}
