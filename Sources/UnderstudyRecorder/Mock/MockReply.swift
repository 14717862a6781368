import NIOCore
import NIOHTTP1
import UnderstudyWire

/// An answer ready to write: head, and body parts (one per SSE event for streams) with their
/// pacing. Built once per distinct answer and reused, so a hot mock costs little per request.
public struct MockReply: Sendable {
    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    public var parts: [ByteBuffer]
    public var isStream: Bool
    /// Output tokens each part carries, for `--tokens-per-second` pacing.
    public var tokensPerPart: Double
    /// Recorded delays (first byte, then between parts) for cassette playback with original timing.
    public var recordedDelays: [TimeAmount]?
    /// How the answer ends once its parts are out (faults end otherwise).
    public var ending: Ending = .complete

    /// How a reply's connection ends after the last part.
    public enum Ending: Sendable {
        /// The message end; the connection stays open for the next request (keep-alive).
        case complete
        /// A TCP reset (SO_LINGER 0, then close) without the message end.
        case reset
        /// Nothing more: the connection is held open until the client closes it.
        case hang
    }

    public init(
        status: HTTPResponseStatus, headers: HTTPHeaders, parts: [ByteBuffer], isStream: Bool,
        tokensPerPart: Double = 1, recordedDelays: [TimeAmount]? = nil
    ) {
        self.status = status
        self.headers = headers
        self.parts = parts
        self.isStream = isStream
        self.tokensPerPart = tokensPerPart
        self.recordedDelays = recordedDelays
    }

    /// A reply from a rendered answer: JSON with content-length, or SSE events as parts.
    public init(_ rendered: RenderedResponse, outputTokens: Int = 0) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: rendered.isStream ? "text/event-stream; charset=utf-8" : "application/json")
        let allocator = ByteBufferAllocator()
        if let body = rendered.body {
            let bytes = body.serializedBytes()
            headers.add(name: "content-length", value: String(bytes.count))
            self.init(status: HTTPResponseStatus(statusCode: rendered.status), headers: headers,
                      parts: [allocator.buffer(bytes: bytes)], isStream: false)
        } else {
            headers.add(name: "cache-control", value: "no-cache")
            let parts = rendered.events.map { allocator.buffer(bytes: $0.bytes) }
            let perPart = parts.isEmpty ? 1 : max(0.01, Double(max(outputTokens, 1)) / Double(parts.count))
            self.init(status: HTTPResponseStatus(statusCode: rendered.status), headers: headers, parts: parts,
                      isStream: true, tokensPerPart: perPart)
        }
    }
}

/// Answers a mock request; implementations must be cheap and thread-safe.
public protocol MockResponder: Sendable {
    func reply(method: String, target: String, headers: HTTPHeaders, body: [UInt8]) -> MockReply
}

extension MockResponder {
    /// A provider-shaped error for a request nothing answers.
    static func noMatch(status: Int, message: String, provider: LLMEndpoint.Provider) -> MockReply {
        MockReply(WireRenderer.error(status: status, message: message, provider: provider))
    }
}
