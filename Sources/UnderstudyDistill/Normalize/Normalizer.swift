import UnderstudyArchive
import UnderstudyWire

/// Turns recorded exchanges of any capture mode into canonical ones through UnderstudyWire:
/// provider, API, model, the constant prefix and its masked hash, the varying conversation,
/// the canonical response, usage, latency and status. Failed, aborted, non-LLM and embeddings
/// calls are excluded with a reason; calls that look like an LLM API of an unknown provider are
/// kept raw and marked untrainable; messages longer than the cap are shortened.
///
/// ```swift
/// let normalizer = Normalizer()
/// if case .normalized(let n) = normalizer.normalize(exchange) { print(n.canonical.prefixHash) }
/// ```
public struct Normalizer: Sendable {
    /// The longest message text kept, in UTF-8 bytes; longer ones are cut and counted.
    public var maximumMessageBytes: Int
    public static let capMarker = " …[truncated by understudy]"

    public init(maximumMessageBytes: Int = 32 * 1024) {
        self.maximumMessageBytes = maximumMessageBytes
    }

    public func normalize(_ exchange: Exchange) -> NormalizationOutcome {
        let body = exchange.request.body.truncated ? nil : exchange.request.body.json
        let endpoint = LLMEndpoint.classify(
            method: exchange.request.method, target: exchange.request.target, headers: exchange.request.headers,
            body: body)
        guard let endpoint else {
            if exchange.request.body.truncated { return .excluded(.truncatedRequest) }
            return Self.looksLikeLLM(body) ? unknownProvider(exchange, body: body!) : .excluded(.notLLM)
        }
        if endpoint.api == .embeddings { return .excluded(.embeddings) }
        switch exchange.outcome {
        case .ok: break
        case .upstreamError: return .excluded(.upstreamError)
        case .clientAborted: return .excluded(.clientAborted)
        case .proxyError: return .excluded(.proxyError)
        }
        guard let response = exchange.response else { return .excluded(.noResponse) }
        guard response.status / 100 == 2 else { return .excluded(.httpError) }
        guard let body else { return .excluded(exchange.request.body.truncated ? .truncatedRequest : .notLLM) }
        let info = exchange.llm?.assembled != nil ? exchange.llm : ExchangeInterpreter.interpret(exchange)
        guard let assembled = info?.assembled,
            let canonicalResponse = CanonicalResponse(assembled: assembled, api: endpoint.api)
        else {
            return .excluded(.unreadableResponse)
        }
        var canonical = CanonicalExchange(
            endpoint: endpoint, requestBody: body, response: canonicalResponse, usage: info?.usage)
        let capped = cap(&canonical)
        return .normalized(
            Self.withPath(
                exchange,
                NormalizedExchange(
                    id: exchange.id, captureMode: exchange.capture.mode, startMicros: exchange.timing.startMicros,
                    provider: endpoint.provider.rawValue, api: endpoint.api.rawValue,
                    model: endpoint.model ?? info?.model,
                    stream: endpoint.stream, canonical: canonical, usage: info?.usage ?? Self.estimatedUsage(canonical),
                    firstByteMs: exchange.timing.firstByteMs, latencyMs: exchange.timing.endMs, status: response.status,
                    requestBody: body, responseBody: assembled, capped: capped, trainable: true)))
    }

    /// A POST whose JSON body has a model and a prompt-like member, on a path no known provider uses.
    static func looksLikeLLM(_ body: JSONValue?) -> Bool {
        guard let body, body["model"] != nil else { return false }
        return ["messages", "prompt", "input", "contents", "inputs"].contains { body[$0] != nil }
    }

    private func unknownProvider(_ exchange: Exchange, body: JSONValue) -> NormalizationOutcome {
        guard exchange.outcome == .ok, let response = exchange.response, response.status / 100 == 2 else {
            return .excluded(exchange.outcome == .clientAborted ? .clientAborted : .httpError)
        }
        let provider = exchange.llm?.provider ?? "unknown"
        let canonical = CanonicalExchange(
            endpoint: LLMEndpoint(provider: .openai, api: .chatCompletions), prefix: CanonicalPrefix(), messages: [],
            response: nil)
        return .normalized(
            Self.withPath(
                exchange,
                NormalizedExchange(
                    id: exchange.id, captureMode: exchange.capture.mode, startMicros: exchange.timing.startMicros,
                    provider: provider, api: exchange.llm?.api ?? "unknown", model: body["model"]?.stringValue,
                    stream: false,
                    canonical: canonical, usage: exchange.llm?.usage, firstByteMs: exchange.timing.firstByteMs,
                    latencyMs: exchange.timing.endMs, status: response.status, requestBody: body,
                    responseBody: response.body.json,
                    capped: false, trainable: false)))
    }

    static func withPath(_ exchange: Exchange, _ normalized: NormalizedExchange) -> NormalizedExchange {
        var normalized = normalized
        normalized.path = String(exchange.request.target.prefix { $0 != "?" && $0 != "#" })
        return normalized
    }

    /// Cuts message texts longer than the cap at a character boundary; true when any was cut.
    func cap(_ canonical: inout CanonicalExchange) -> Bool {
        var capped = false
        for i in canonical.messages.indices {
            if let text = canonical.messages[i].content, text.utf8.count > maximumMessageBytes {
                canonical.messages[i].content = Self.prefix(text, bytes: maximumMessageBytes) + Self.capMarker
                capped = true
            }
        }
        if let text = canonical.response?.content, text.utf8.count > maximumMessageBytes {
            canonical.response?.content = Self.prefix(text, bytes: maximumMessageBytes) + Self.capMarker
            capped = true
        }
        return capped
    }

    static func prefix(_ text: String, bytes: Int) -> String {
        var cut = String(decoding: text.utf8.prefix(bytes), as: UTF8.self)
        // A character split at the cut decodes as U+FFFD: drop it.
        while cut.unicodeScalars.last == "\u{FFFD}" { cut.unicodeScalars.removeLast() }
        return cut
    }

    /// About four bytes a token, when the upstream reported no usage.
    static func estimatedUsage(_ canonical: CanonicalExchange) -> Exchange.Usage {
        let input =
            (canonical.prefix.json.serializedBytes().count
                + canonical.messages.reduce(0) { $0 + $1.json.serializedBytes().count }) / 4
        let output = (canonical.response?.json.serializedBytes().count ?? 0) / 4
        return Exchange.Usage(inputTokens: input, outputTokens: output)
    }

    /// The text a conversation id is derived from: the first user message.
    public static func firstUserText(_ canonical: CanonicalExchange) -> String {
        canonical.messages.first { $0.role == .user }?.content ?? canonical.messages.first?.content ?? ""
    }
}
