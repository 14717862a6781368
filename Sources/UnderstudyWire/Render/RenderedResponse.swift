import UnderstudyArchive

/// One server-sent event to write: `event:` name (nil for OpenAI's unnamed events) and data.
public struct WireEvent: Sendable, Equatable {
    public var event: String?
    public var data: String

    public init(event: String? = nil, data: String) {
        self.event = event
        self.data = data
    }

    /// The event as `text/event-stream` bytes.
    public var bytes: [UInt8] { SSEEncoder.encode(event: event, data: data) }
}

/// An answer ready to send: status, content type and either a JSON body or a list of SSE
/// events (which a server may pace, e.g. at a tokens-per-second rate).
public struct RenderedResponse: Sendable, Equatable {
    public var status: Int
    /// The JSON body of a non-streamed answer (also Gemini's JSON-array stream).
    public var body: JSONValue?
    /// The events of a streamed answer; empty for a JSON body.
    public var events: [WireEvent]

    public init(status: Int = 200, body: JSONValue? = nil, events: [WireEvent] = []) {
        self.status = status
        self.body = body
        self.events = events
    }

    public var isStream: Bool { body == nil }

    /// `text/event-stream` for streams, else `application/json`.
    public var contentType: String { isStream ? "text/event-stream" : "application/json" }

    /// The whole body as bytes.
    public var bytes: [UInt8] {
        if let body { return body.serializedBytes() }
        var out: [UInt8] = []
        for event in events { SSEEncoder.append(event: event.event, data: event.data, to: &out) }
        return out
    }
}
