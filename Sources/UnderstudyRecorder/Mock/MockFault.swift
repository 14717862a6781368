import NIOCore
import NIOHTTP1
import UnderstudyWire

/// An upstream failure `mock-upstream` can play instead of (or in the middle of) a good answer,
/// so that tests and benchmarks see what clients and the recorder do when real APIs misbehave.
///
/// ```swift
/// let fault = try MockFault(parsing: "status:429")
/// let reply = fault.apply(to: goodReply, provider: .openai, settings: MockFaultSettings())
/// ```
public enum MockFault: Sendable, Hashable, CustomStringConvertible {
    /// A provider-shaped error with this HTTP status (and `retry-after` for 429, 503 and 529).
    case status(Int)
    /// The head and the first half of the body, then a TCP reset.
    case resetMidStream
    /// The head and the first half of the body, then silence with the connection held open.
    case stall
    /// A stream with an event whose data is not JSON and a line that is not SSE, mid-way.
    case malformedSSE
    /// The whole answer in small pieces with a pause between each.
    case trickle

    /// Parses `reset-mid-stream`, `stall`, `malformed-sse`, `trickle` or `status:N`.
    public init(parsing text: String) throws {
        switch text.lowercased() {
        case "reset-mid-stream", "reset": self = .resetMidStream
        case "stall": self = .stall
        case "malformed-sse": self = .malformedSSE
        case "trickle": self = .trickle
        case let other where other.hasPrefix("status:"):
            guard let code = Int(other.dropFirst("status:".count)), (400...599).contains(code) else {
                throw RecorderError("fault \(text): the status must be a number from 400 to 599")
            }
            self = .status(code)
        default:
            throw RecorderError(
                "unknown fault \(text): use reset-mid-stream, stall, malformed-sse, trickle or status:N (400-599)")
        }
    }

    public var description: String {
        switch self {
        case .status(let code): "status:\(code)"
        case .resetMidStream: "reset-mid-stream"
        case .stall: "stall"
        case .malformedSSE: "malformed-sse"
        case .trickle: "trickle"
        }
    }

    /// The broken event `malformed-sse` inserts: a data line that is not JSON, then a line with
    /// no field name (ignored by SSE parsers), each ended properly so the stream goes on.
    public static let malformedEvent: [UInt8] = Array("data: {\"choices\": [{\"delta\": {\"content\": \"unterminated\n\nthis line is not SSE\n\n".utf8)

    /// `reply` as this fault plays it. Statuses replace the answer; the others change how the
    /// answer's bytes go out and how the connection ends.
    public func apply(to reply: MockReply, provider: LLMEndpoint.Provider, settings: MockFaultSettings) -> MockReply {
        switch self {
        case .status(let code):
            var error = MockReply(WireRenderer.error(
                status: code, message: "understudy mock-upstream: injected fault status \(code)", provider: provider))
            if [429, 503, 529].contains(code) {
                error.headers.replaceOrAdd(name: "retry-after", value: String(settings.retryAfterSeconds))
            }
            return error
        case .resetMidStream, .stall:
            var cut = reply
            cut.parts = Self.firstHalf(of: reply.parts)
            cut.isStream = true  // flush what is sent, so the client sees the half before the end
            cut.ending = self == .stall ? .hang : .reset
            if let delays = reply.recordedDelays { cut.recordedDelays = Array(delays.prefix(cut.parts.count + 1)) }
            return cut
        case .malformedSSE:
            guard reply.isStream, !reply.parts.isEmpty else { return reply }
            var broken = reply
            broken.parts.insert(ByteBuffer(bytes: Self.malformedEvent), at: min(1, reply.parts.count))
            broken.recordedDelays = nil
            return broken
        case .trickle:
            var slow = reply
            var pieces: [ByteBuffer] = []
            for part in reply.parts {
                var part = part
                while part.readableBytes > 0, let piece = part.readSlice(length: min(settings.trickleBytes, part.readableBytes)) {
                    pieces.append(piece)
                }
            }
            slow.parts = pieces
            slow.isStream = true
            slow.recordedDelays = [.zero] + Array(repeating: .milliseconds(Int64(settings.trickleMs)), count: pieces.count)
            return slow
        }
    }

    /// The parts holding the first half of the body's bytes (at least one byte when there are any),
    /// the last one cut in the middle.
    static func firstHalf(of parts: [ByteBuffer]) -> [ByteBuffer] {
        let total = parts.reduce(0) { $0 + $1.readableBytes }
        var budget = max(total / 2, min(total, 1))
        var half: [ByteBuffer] = []
        for part in parts where budget > 0 {
            var part = part
            let take = min(budget, part.readableBytes)
            if let slice = part.readSlice(length: take) { half.append(slice) }
            budget -= take
        }
        return half
    }
}

/// Parameters of the faults `mock-upstream --fault` plays.
public struct MockFaultSettings: Sendable {
    /// Faults to play, in turn, on the requests `rate` selects.
    public var faults: [MockFault]
    /// Share of requests that get a fault (0…1), spread evenly: 0.25 is every fourth request.
    public var rate: Double
    /// The `retry-after` header of 429, 503 and 529 answers, in seconds.
    public var retryAfterSeconds: Int
    /// `trickle`: bytes per piece and the pause before each.
    public var trickleBytes: Int
    public var trickleMs: Double

    public init(
        faults: [MockFault] = [], rate: Double = 1, retryAfterSeconds: Int = 1, trickleBytes: Int = 7,
        trickleMs: Double = 5
    ) {
        self.faults = faults
        self.rate = rate
        self.retryAfterSeconds = retryAfterSeconds
        self.trickleBytes = max(1, trickleBytes)
        self.trickleMs = trickleMs
    }
}
