import UnderstudyArchive

/// Turns a canonical response into the wire format of an LLM API, streamed or not, shaped as
/// the real services shape it (field names and order, ids, finish reasons, usage, event names),
/// so that the official SDKs parse it. Used by `mock-upstream` and by the router.
///
/// ```swift
/// let answer = CanonicalResponse(content: "Hello!", toolCalls: [])
/// let endpoint = LLMEndpoint(provider: .anthropic, api: .messages, stream: true)
/// let rendered = WireRenderer.render(answer, for: endpoint, options: RenderOptions(model: "claude-sonnet-4-5"))
/// rendered.contentType   // "text/event-stream"
/// rendered.events.first?.event   // "message_start"
/// ```
public enum WireRenderer {
    /// Renders `response` for `endpoint`'s API and stream mode. Embeddings have no canonical
    /// response: they get a 400 error body in the provider's shape.
    public static func render(
        _ response: CanonicalResponse, for endpoint: LLMEndpoint, options: RenderOptions = RenderOptions()
    ) -> RenderedResponse {
        switch endpoint.api {
        case .chatCompletions:
            return endpoint.stream
                ? RenderedResponse(events: StreamRenderer.events(response, endpoint: endpoint, options: options))
                : RenderedResponse(body: ChatCompletionsRenderer.body(response, options))
        case .responses:
            return endpoint.stream
                ? RenderedResponse(events: StreamRenderer.events(response, endpoint: endpoint, options: options))
                : RenderedResponse(body: ResponsesRenderer.body(response, options))
        case .messages:
            return endpoint.stream
                ? RenderedResponse(events: StreamRenderer.events(response, endpoint: endpoint, options: options))
                : RenderedResponse(body: AnthropicRenderer.body(response, options))
        case .generateContent:
            guard endpoint.stream else { return RenderedResponse(body: GeminiRenderer.body(response, options)) }
            let chunks = GeminiRenderer.chunks(response, options)
            // Without alt=sse Gemini streams one JSON array of the chunks.
            return endpoint.sse
                ? RenderedResponse(events: chunks.map { WireEvent(data: $0.serialized()) })
                : RenderedResponse(body: .array(chunks))
        case .embeddings:
            return error(
                status: 400, message: "Understudy cannot answer embeddings requests", provider: endpoint.provider)
        }
    }

    /// Renders the answer to a request as the request asked for it: the API and stream mode
    /// come from `endpoint` refined by `requestBody` (`stream`, `stream_options.include_usage`,
    /// `model`). `options.model` is replaced by the request's model unless `keepModel`. Without
    /// `options.usage` and `estimatedInputTokens`, input tokens are estimated from the request.
    public static func render(
        _ response: CanonicalResponse, answering requestBody: JSONValue?, at endpoint: LLMEndpoint,
        options: RenderOptions = RenderOptions(), keepModel: Bool = false
    ) -> RenderedResponse {
        var endpoint = endpoint
        endpoint.refine(withBody: requestBody)
        var options = options
        if !keepModel, let model = endpoint.model { options.model = model }
        if requestBody?["stream_options"]?["include_usage"]?.boolValue == true { options.includeUsage = true }
        if options.usage?.inputTokens == nil, options.estimatedInputTokens == 0, let requestBody {
            let (prefix, messages) = CanonicalRequest.read(requestBody, api: endpoint.api)
            let text =
                [prefix.system ?? "", prefix.tools.map { $0.json.serialized() }.joined()]
                + messages.map { ($0.content ?? "") + $0.toolCalls.map { $0.json.serialized() }.joined() }
            options.estimatedInputTokens = text.reduce(0) { $0 + TextChunker.estimateTokens($1) }
        }
        return render(response, for: endpoint, options: options)
    }

    /// An error body in the provider's shape with a matching status.
    ///
    /// OpenAI/Azure: `{"error":{"message","type","param","code"}}`; Anthropic:
    /// `{"type":"error","error":{"type","message"}}`; Gemini: `{"error":{"code","message","status"}}`.
    public static func error(status: Int, message: String, provider: LLMEndpoint.Provider) -> RenderedResponse {
        RenderedResponse(status: status, body: errorBody(status: status, message: message, provider: provider))
    }

    public static func errorBody(status: Int, message: String, provider: LLMEndpoint.Provider) -> JSONValue {
        switch provider {
        case .openai, .azure:
            let (type, code): (String, JSONValue) =
                switch status {
                case 401: ("invalid_request_error", "invalid_api_key")
                case 403: ("invalid_request_error", "unsupported_country_region_territory")
                case 404: ("invalid_request_error", "model_not_found")
                case 429: ("requests", "rate_limit_exceeded")
                case 500...: ("server_error", .null)
                default: ("invalid_request_error", .null)
                }
            return ["error": ["message": .string(message), "type": .string(type), "param": .null, "code": code]]
        case .anthropic:
            let type =
                switch status {
                case 401: "authentication_error"
                case 403: "permission_error"
                case 404: "not_found_error"
                case 413: "request_too_large"
                case 429: "rate_limit_error"
                case 529: "overloaded_error"
                case 500...: "api_error"
                default: "invalid_request_error"
                }
            return ["type": "error", "error": ["type": .string(type), "message": .string(message)]]
        case .gemini:
            let state =
                switch status {
                case 401: "UNAUTHENTICATED"
                case 403: "PERMISSION_DENIED"
                case 404: "NOT_FOUND"
                case 429: "RESOURCE_EXHAUSTED"
                case 503: "UNAVAILABLE"
                case 504: "DEADLINE_EXCEEDED"
                case 500...: "INTERNAL"
                default: "INVALID_ARGUMENT"
                }
            return ["error": ["code": .int(status), "message": .string(message), "status": .string(state)]]
        }
    }

    /// The error event Anthropic sends when a stream fails after it started.
    public static func anthropicStreamError(message: String, type: String = "overloaded_error") -> WireEvent {
        let body: JSONValue = ["type": "error", "error": ["type": .string(type), "message": .string(message)]]
        return WireEvent(event: "error", data: body.serialized())
    }
}
