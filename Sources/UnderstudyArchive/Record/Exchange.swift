/// One recorded LLM API call: the request as the agent sent it, the response as the upstream
/// returned it (with SSE events and their timings for streams), and what Understudy made of it.
/// This is archive schema v1 of DESIGN.md; `Exchange+JSON.swift` maps it to and from one JSON line.
///
/// ```swift
/// var exchange = Exchange(capture: .init(mode: .reverse, listener: "127.0.0.1:8080"),
///                         request: .init(method: "POST", target: "/v1/chat/completions"))
/// exchange.request.body = HTTPBody(bytes: Array(#"{"model":"gpt-4o"}"#.utf8))
/// let line = exchange.jsonLine()
/// ```
public struct Exchange: Sendable, Equatable {
    /// Schema version of the record; readers keep a decoder for every older version.
    public static let schemaVersion = 1

    public var id: String
    public var capture: Capture
    public var timing: Timing
    public var request: Request
    public var response: Response?
    public var llm: LLMInfo?
    public var outcome: Outcome
    /// A short, secret-free explanation when `outcome` is not `.ok`.
    public var error: String?
    /// Set by `serve` when something other than the upstream answered (cluster, policy, verdict).
    public var route: JSONValue?
    /// How many well-known API keys the recorder replaced by `redacted:<fingerprint>` in the
    /// bodies and SSE data (`redacted_body_secrets`, written only when not 0).
    public var redactedBodySecrets: Int = 0

    public init(
        id: String = ULID.generate(),
        capture: Capture,
        timing: Timing = Timing(),
        request: Request,
        response: Response? = nil,
        llm: LLMInfo? = nil,
        outcome: Outcome = .ok,
        error: String? = nil,
        route: JSONValue? = nil
    ) {
        self.id = id
        self.capture = capture
        self.timing = timing
        self.request = request
        self.response = response
        self.llm = llm
        self.outcome = outcome
        self.error = error
        self.route = route
    }

    public enum Outcome: String, Sendable, Equatable, CaseIterable {
        case ok
        case upstreamError = "upstream_error"
        case clientAborted = "client_aborted"
        case proxyError = "proxy_error"
    }

    /// How the exchange was captured.
    public struct Capture: Sendable, Equatable {
        public enum Mode: String, Sendable, Equatable, CaseIterable {
            case reverse, forward, pcap, imported
        }
        public var mode: Mode
        public var listener: String?
        /// The agent's address, `ip:port`.
        public var client: String?
        /// The upstream base URL the request went to.
        public var upstream: String?
        public init(mode: Mode, listener: String? = nil, client: String? = nil, upstream: String? = nil) {
            self.mode = mode
            self.listener = listener
            self.client = client
            self.upstream = upstream
        }
    }

    /// When the exchange started (microseconds since the Unix epoch) and how long its parts took.
    public struct Timing: Sendable, Equatable {
        public var startMicros: Int64
        /// Milliseconds from the start to the first response byte.
        public var firstByteMs: Double?
        /// Milliseconds from the start to the last response byte.
        public var endMs: Double?
        public init(startMicros: Int64 = Timing.nowMicros(), firstByteMs: Double? = nil, endMs: Double? = nil) {
            self.startMicros = startMicros
            self.firstByteMs = firstByteMs
            self.endMs = endMs
        }
        public static func nowMicros() -> Int64 {
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1_000
        }
    }

    public struct Request: Sendable, Equatable {
        public var method: String
        /// Path and query, as on the request line.
        public var target: String
        /// Header fields in the order received; credentials already redacted.
        public var headers: [HTTPHeaderField]
        public var body: HTTPBody
        public init(method: String, target: String, headers: [HTTPHeaderField] = [], body: HTTPBody = HTTPBody()) {
            self.method = method
            self.target = target
            self.headers = headers
            self.body = body
        }
    }

    public struct Response: Sendable, Equatable {
        public var status: Int
        public var headers: [HTTPHeaderField]
        /// The response body as received. For an SSE stream this is the raw stream.
        public var body: HTTPBody
        /// Parsed SSE events with their arrival times, when the response was an event stream.
        public var sse: [SSEEvent]?
        public init(status: Int, headers: [HTTPHeaderField] = [], body: HTTPBody = HTTPBody(), sse: [SSEEvent]? = nil) {
            self.status = status
            self.headers = headers
            self.body = body
            self.sse = sse
        }
    }

    /// What the exchange means as an LLM call, filled in by UnderstudyWire.
    public struct LLMInfo: Sendable, Equatable {
        public var provider: String
        public var api: String
        public var model: String?
        public var stream: Bool
        /// The final message as the provider's SDK would assemble it (for streams: from the events).
        /// Held either as a value or, for a plain answer, as the body's own bytes
        /// (`setAssembled(json:)`): then reading it parses them, and the record line repeats them.
        public var assembled: JSONValue? {
            get { assembledValue ?? assembledJSON.flatMap { try? JSONValue(parsing: $0) } }
            set {
                assembledValue = newValue
                assembledJSON = nil
            }
        }
        /// `assembled` as the exact bytes its record line holds, when it was set from them.
        public private(set) var assembledJSON: [UInt8]?
        private var assembledValue: JSONValue?
        public var usage: Usage?
        public init(
            provider: String, api: String, model: String? = nil, stream: Bool = false,
            assembled: JSONValue? = nil, usage: Usage? = nil
        ) {
            self.provider = provider
            self.api = api
            self.model = model
            self.stream = stream
            self.assembledValue = assembled
            self.usage = usage
        }

        /// Whether there is an assembled message, without parsing one held as bytes.
        public var hasAssembled: Bool { assembledValue != nil || assembledJSON != nil }

        /// Sets `assembled` to the JSON value `bytes` hold. Bytes already in the writer's compact
        /// form (`JSONValue.isCompactForm`, the usual case for an API's unstreamed answer) are
        /// kept as they are and go to the record line unchanged, with no `JSONValue` built and
        /// serialised again; other JSON is parsed. Returns false, leaving `assembled` nil, when
        /// `bytes` are not JSON.
        ///
        /// ```swift
        /// var info = Exchange.LLMInfo(provider: "openai", api: "chat.completions")
        /// info.setAssembled(json: response.body.bytes)
        /// ```
        @discardableResult
        public mutating func setAssembled(json bytes: [UInt8]) -> Bool {
            (try? setAssembled(checking: bytes)) != nil
        }

        /// `setAssembled(json:)` that says why `bytes` are not an assembled message.
        public mutating func setAssembled(checking bytes: [UInt8]) throws(JSONParseError) {
            if JSONValue.isCompactForm(bytes, depth: Self.assembledDepth) {
                setAssembled(validJSON: bytes, compact: true)
                return
            }
            assembled = nil
            assembled = try JSONValue(parsing: bytes, depth: Self.assembledDepth)
        }

        /// The nesting at which `Exchange(jsonLine:)` parses `assembled` (the line's `llm` member
        /// is parsed at depth 0): an answer is accepted as assembled only with this depth budget,
        /// so an answer nested 512 levels deep, valid on its own, is not taken and then
        /// unreadable in the record line (JSONCursor.maximumDepth).
        public static let assembledDepth = 1

        /// `setAssembled(json:)` for bytes the caller has just read as one valid JSON value and
        /// whose spelling it learnt in the same walk (`JSONCursor(_:checkingCompactSpelling:)`,
        /// as the recorder's `AnswerReader` reads an unstreamed answer): neither their structure
        /// nor their spelling is looked at again here.
        public mutating func setAssembled(validJSON bytes: [UInt8], compact: Bool) {
            // The walk's verdict against the separate check (debug builds only: it is a second pass).
            assert(compact == JSONValue.isCompactForm(bytes, depth: Self.assembledDepth), "compact form learnt in the walk differs")
            if compact {
                assembledValue = nil
                assembledJSON = bytes
            } else {
                assembled = try? JSONValue(parsing: bytes, depth: Self.assembledDepth)
            }
        }

        public static func == (a: LLMInfo, b: LLMInfo) -> Bool {
            guard a.provider == b.provider, a.api == b.api, a.model == b.model, a.stream == b.stream,
                a.usage == b.usage
            else { return false }
            if let x = a.assembledJSON, let y = b.assembledJSON { return x == y }
            return a.assembled == b.assembled
        }
    }

    public struct Usage: Sendable, Equatable {
        public var inputTokens: Int?
        public var outputTokens: Int?
        public init(inputTokens: Int? = nil, outputTokens: Int? = nil) {
            self.inputTokens = inputTokens
            self.outputTokens = outputTokens
        }
    }
}

/// One header field. Names keep the case they arrived with.
public struct HTTPHeaderField: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

extension [HTTPHeaderField] {
    /// The first value of a header, matched case-insensitively.
    public func first(named name: String) -> String? {
        // ASCII case folding byte by byte (field names are tokens), lengths first: no String or
        // array per comparison, this runs for every request on the proxy's hot path and several
        // times per record.
        let count = name.utf8.count
        return first(where: { field in field.name.utf8.count == count && Self.equalFolded(field.name, name) })?.value
    }

    /// Whether `a` and `b` (of equal UTF-8 length) are equal with ASCII letters folded.
    private static func equalFolded(_ a: String, _ b: String) -> Bool {
        let inPlace = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in
                for i in 0..<x.count where folded(x[i]) != folded(y[i]) { return false }
                return true
            }
        }
        if let known = inPlace ?? nil { return known }
        return zip(a.utf8, b.utf8).allSatisfy { folded($0) == folded($1) }
    }

    private static func folded(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}

/// A message body. Bodies are kept byte for byte; `truncated` says the recorder kept only the
/// first part of a body larger than its limit (the agent still got all of it).
public struct HTTPBody: Sendable, Equatable {
    public var bytes: [UInt8]
    public var truncated: Bool
    /// A producer's word that `bytes` are one valid JSON value (the recorder validates or parses
    /// every body on an LLM route anyway), so the archive writer does not validate them a second
    /// time. Only a hint: `false` means "not checked", and it takes no part in equality.
    public var isKnownJSON: Bool = false
    public init(bytes: [UInt8] = [], truncated: Bool = false) {
        self.bytes = bytes
        self.truncated = truncated
    }

    public static func == (a: HTTPBody, b: HTTPBody) -> Bool {
        a.bytes == b.bytes && a.truncated == b.truncated
    }
    public var isEmpty: Bool { bytes.isEmpty }
    /// The body parsed as JSON, or `nil` when it is not JSON.
    public var json: JSONValue? { try? JSONValue(parsing: bytes) }
}

/// One server-sent event as it arrived: milliseconds since the exchange started, the `event:`
/// field (nil when absent) and the `data:` lines joined by newlines.
public struct SSEEvent: Sendable, Equatable {
    public var tMs: Double
    public var event: String?
    public var data: String
    public init(tMs: Double, event: String? = nil, data: String) {
        self.tMs = tMs
        self.event = event
        self.data = data
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
