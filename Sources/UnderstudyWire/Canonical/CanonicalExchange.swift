import UnderstudyArchive

/// A recorded LLM call in the provider-neutral form of docs/formats.md: the constant prefix
/// (with its masked hash), the varying conversation, and the canonical response.
///
/// ```swift
/// if let canonical = CanonicalExchange(exchange) {
///     canonical.prefixHash          // groups the calls of one agent/task
///     canonical.messages.last       // the turn being answered
///     canonical.response?.toolCalls // what the big model did
/// }
/// ```
public struct CanonicalExchange: Sendable, Equatable {
    public var endpoint: LLMEndpoint
    public var prefix: CanonicalPrefix
    /// The conversation after the prefix.
    public var messages: [CanonicalMessage]
    /// The answer; `nil` when there was none (error, abort, unparseable body).
    public var response: CanonicalResponse?
    public var usage: Exchange.Usage?
    /// `prefix.hash`, computed once.
    public var prefixHash: String

    public init(
        endpoint: LLMEndpoint, prefix: CanonicalPrefix, messages: [CanonicalMessage],
        response: CanonicalResponse?, usage: Exchange.Usage? = nil
    ) {
        self.endpoint = endpoint
        self.prefix = prefix
        self.messages = messages
        self.response = response
        self.usage = usage
        self.prefixHash = prefix.hash
    }

    /// The canonical view of a recorded exchange; `nil` when it is not an LLM API call or its
    /// request body is not JSON. Uses `exchange.llm` when present, else interprets the exchange.
    public init?(_ exchange: Exchange) {
        guard !exchange.request.body.truncated, let body = exchange.request.body.json,
            let endpoint = LLMEndpoint.classify(
                method: exchange.request.method, target: exchange.request.target, headers: exchange.request.headers,
                body: body)
        else { return nil }
        let info = exchange.llm ?? ExchangeInterpreter.interpret(exchange)
        let ok = (exchange.response?.status ?? 0) / 100 == 2
        let response = ok ? info?.assembled.flatMap { CanonicalResponse(assembled: $0, api: endpoint.api) } : nil
        self.init(endpoint: endpoint, requestBody: body, response: response, usage: info?.usage)
    }

    /// The canonical view of a request body to `endpoint` and an optional answer.
    public init(
        endpoint: LLMEndpoint, requestBody: JSONValue, response: CanonicalResponse? = nil, usage: Exchange.Usage? = nil
    ) {
        let (prefix, messages) = CanonicalRequest.read(requestBody, api: endpoint.api)
        self.init(endpoint: endpoint, prefix: prefix, messages: messages, response: response, usage: usage)
    }

    /// `{"prefix": …, "prefix_hash": …, "varying": [Message], "response": …|null}`.
    public var json: JSONValue {
        .object([
            JSONMember("prefix", prefix.json),
            JSONMember("prefix_hash", .string(prefixHash)),
            JSONMember("varying", .array(messages.map(\.json))),
            JSONMember("response", response?.json ?? .null),
        ])
    }
}
