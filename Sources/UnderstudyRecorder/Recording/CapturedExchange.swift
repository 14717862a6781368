import NIOCore
import UnderstudyArchive
import UnderstudyWire

/// One exchange while it happens: what a capture path (reverse proxy, forward proxy, pcap
/// importer) saw, in wire order, before redaction and interpretation. Cheap to feed on the hot
/// path: body bytes are appended up to a limit and each response chunk's arrival time is noted;
/// SSE parsing and assembly happen later, in `ExchangeRecorder`, off the event loop.
///
/// ```swift
/// var captured = CapturedExchange(capture: .init(mode: .reverse), method: "POST",
///                                 target: "/v1/chat/completions", headers: fields, bodyLimit: 1 << 25)
/// captured.appendRequestBody(buffer)
/// captured.responseHead(status: 200, headers: responseFields)
/// captured.appendResponseBody(chunk)
/// captured.finish(.ok)
/// ```
public struct CapturedExchange: Sendable {
    public var capture: Exchange.Capture
    public let startMicros: Int64
    /// Monotonic start, for durations that wall-clock adjustments cannot disturb.
    public let startUptime: NIODeadline
    public var method: String
    public var target: String
    /// Request header fields as received (still holding credentials: never log or store these).
    public var requestHeaders: [HTTPHeaderField]
    public var requestBody: BodyAccumulator
    public var endpoint: LLMEndpoint?
    public var status: Int?
    public var responseHeaders: [HTTPHeaderField] = []
    public var responseBody: BodyAccumulator
    /// For each response body chunk: the body length after it and its arrival (ms since start).
    /// Kept for event streams only (and when no response head was given, as pcap import fills
    /// it itself): nothing reads a plain answer's, which cost an array per request on the loop.
    public var chunkTimes: [(end: Int, tMs: Double)] = []
    /// Whether `appendResponseBody` notes arrival times (`chunkTimes`); set by `responseHead`.
    private var notesChunkTimes = true
    public var firstByteMs: Double?
    public var endMs: Double?
    public var outcome: Exchange.Outcome = .ok
    /// A short, secret-free explanation for a non-ok outcome.
    public var error: String?
    /// `Exchange.route`: set by `serve` (who answered, cluster, policy, verdict).
    public var route: JSONValue?

    public init(
        capture: Exchange.Capture, method: String, target: String, headers: [HTTPHeaderField],
        bodyLimit: Int, startMicros: Int64 = Exchange.Timing.nowMicros(), startUptime: NIODeadline = .now()
    ) {
        self.capture = capture
        self.method = method
        self.target = target
        self.requestHeaders = headers
        self.requestBody = BodyAccumulator(limit: bodyLimit)
        self.responseBody = BodyAccumulator(limit: bodyLimit)
        self.startMicros = startMicros
        self.startUptime = startUptime
    }

    /// Milliseconds since the exchange started.
    public func elapsedMs(at now: NIODeadline = .now()) -> Double {
        Double((now - startUptime).nanoseconds) / 1_000_000
    }

    public mutating func appendRequestBody(_ buffer: ByteBuffer) {
        requestBody.append(buffer)
    }

    public mutating func responseHead(status: Int, headers: [HTTPHeaderField], at now: NIODeadline = .now()) {
        self.status = status
        self.responseHeaders = headers
        // The recorder parses SSE (the one reader of the times) exactly for these headers.
        notesChunkTimes = SSEParser.isEventStream(headers)
        if firstByteMs == nil { firstByteMs = elapsedMs(at: now) }
    }

    /// Appends a piece of the response body that arrived at `now`. Pieces of one read arrive at
    /// the same instant (the proxy passes one time per upstream read): they share one
    /// `chunkTimes` entry, so a stream's events of one read cost one entry, and the recorder
    /// feeds its SSE parser once per read, with the same times as piece by piece.
    public mutating func appendResponseBody(_ buffer: ByteBuffer, at now: NIODeadline = .now()) {
        responseBody.append(buffer)
        guard notesChunkTimes else { return }
        let tMs = elapsedMs(at: now)
        if let last = chunkTimes.last, last.tMs == tMs {
            chunkTimes[chunkTimes.count - 1].end = responseBody.received
        } else {
            chunkTimes.append((responseBody.received, tMs))
        }
    }

    /// Whether the response body so far ends with a stream's terminal event (OpenAI `[DONE]`,
    /// Anthropic `message_stop`, Responses `response.completed`). SDKs close the connection as
    /// soon as they see it, sometimes before the upstream's final empty chunk reaches the proxy:
    /// such a close is not an abort.
    public var streamEndedByTerminalEvent: Bool {
        let tail = responseBody.bytes.suffix(512)
        guard !tail.isEmpty, !responseBody.truncated else { return false }
        let text = String(decoding: tail, as: UTF8.self)
        return text.contains("data: [DONE]") || text.contains("event: message_stop")
            || text.contains("event: response.completed") || text.contains("\"type\":\"response.completed\"")
    }

    /// Marks the end; the first outcome set wins over later ones (an abort is not undone by a
    /// late upstream end).
    public mutating func finish(_ outcome: Exchange.Outcome, error: String? = nil, at now: NIODeadline = .now()) {
        guard endMs == nil else { return }
        self.outcome = outcome
        self.error = error
        endMs = elapsedMs(at: now)
    }
}

/// Body bytes kept up to a limit; `received` counts all bytes, `truncated` says some were not kept.
public struct BodyAccumulator: Sendable {
    public let limit: Int
    public private(set) var bytes: [UInt8] = []
    public private(set) var received = 0

    public init(limit: Int) {
        self.limit = limit
    }

    public var truncated: Bool { received > bytes.count }

    public mutating func append(_ buffer: ByteBuffer) {
        received += buffer.readableBytes
        let room = limit - bytes.count
        guard room > 0 else { return }
        buffer.withUnsafeReadableBytes { raw in
            bytes.append(contentsOf: raw.prefix(room))
        }
    }

    public mutating func append(_ data: some Collection<UInt8>) {
        received += data.count
        let room = limit - bytes.count
        guard room > 0 else { return }
        bytes.append(contentsOf: data.prefix(room))
    }

    public var httpBody: HTTPBody { HTTPBody(bytes: bytes, truncated: truncated) }
}
