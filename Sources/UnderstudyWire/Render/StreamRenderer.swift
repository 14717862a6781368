import UnderstudyArchive

/// Renders a streamed answer incrementally, for a server that produces the answer while it
/// streams (the router serving a specialist): text deltas and tool calls go out as they come,
/// in the event format of the request's API. `WireRenderer.render` drives the same code for
/// answers known in full, so both paths emit identical streams.
///
/// ```swift
/// var stream = StreamRenderer(endpoint: endpoint, options: RenderOptions(model: "gpt-4o"))
/// send(stream.start())
/// send(stream.text("Hel"))
/// send(stream.text("lo"))
/// send(stream.toolCall(ToolCall(name: "wave", arguments: ["times": 2])))
/// send(stream.finish())
/// ```
///
/// Gemini's JSON-array stream (no `alt=sse`) is not an event stream: use `WireRenderer.render`.
public struct StreamRenderer: Sendable {
    private enum Format: Sendable {
        case chat(ChatCompletionsStream)
        case responses(ResponsesStream)
        case messages(AnthropicStream)
        case gemini(GeminiStream)
        case unsupported
    }

    private var format: Format
    private var options: RenderOptions
    /// What was sent so far, for usage estimates and the final response objects.
    public private(set) var sent = CanonicalResponse()
    private var started = false
    private var finished = false

    public init(endpoint: LLMEndpoint, options: RenderOptions = RenderOptions()) {
        self.options = options
        switch endpoint.api {
        case .chatCompletions: format = .chat(ChatCompletionsStream(options))
        case .responses: format = .responses(ResponsesStream(options))
        case .messages: format = .messages(AnthropicStream(options))
        case .generateContent: format = .gemini(GeminiStream(options))
        case .embeddings: format = .unsupported
        }
    }

    /// The opening events (`message_start`, `response.created` …); called by the other
    /// methods when needed, so calling it is optional. Empty after the first call.
    public mutating func start() -> [WireEvent] {
        guard !started else { return [] }
        started = true
        return apply { format, events in
            switch format {
            case .chat(var s):
                events += s.start()
                format = .chat(s)
            case .responses(var s):
                events += s.start()
                format = .responses(s)
            case .messages(var s):
                events += s.start()
                format = .messages(s)
            case .gemini, .unsupported: break
            }
        }
    }

    /// One text delta, sent as one event.
    public mutating func text(_ delta: String) -> [WireEvent] {
        guard !finished, !delta.isEmpty else { return [] }
        var events = start()
        sent.content = (sent.content ?? "") + delta
        events += apply { format, events in
            switch format {
            case .chat(var s):
                events += s.text(delta)
                format = .chat(s)
            case .responses(var s):
                events += s.text(delta)
                format = .responses(s)
            case .messages(var s):
                events += s.text(delta)
                format = .messages(s)
            case .gemini(var s):
                events += s.text(delta)
                format = .gemini(s)
            case .unsupported: break
            }
        }
        return events
    }

    /// One complete tool call: its head, then its arguments in fragments.
    public mutating func toolCall(_ call: ToolCall) -> [WireEvent] {
        guard !finished else { return [] }
        var events = start()
        let index = sent.toolCalls.count
        sent.toolCalls.append(call)
        events += apply { format, events in
            switch format {
            case .chat(var s):
                events += s.toolCall(call, index: index)
                format = .chat(s)
            case .responses(var s):
                events += s.toolCall(call, index: index)
                format = .responses(s)
            case .messages(var s):
                events += s.toolCall(call, index: index)
                format = .messages(s)
            case .gemini(var s):
                events += s.toolCall(call)
                format = .gemini(s)
            case .unsupported: break
            }
        }
        return events
    }

    /// The closing events: finish/stop reason, usage (`usage` if given, else
    /// `options.usage`, else estimated from what was sent) and the terminator.
    public mutating func finish(usage: Exchange.Usage? = nil) -> [WireEvent] {
        guard !finished else { return [] }
        var events = start()
        finished = true
        if let usage { options.usage = usage }
        let tokens = options.tokens(for: sent)
        let answer = sent
        events += apply { format, events in
            switch format {
            case .chat(var s):
                events += s.finish(answer, tokens: tokens)
                format = .chat(s)
            case .responses(var s):
                events += s.finish(answer, tokens: tokens)
                format = .responses(s)
            case .messages(var s):
                events += s.finish(answer, tokens: tokens)
                format = .messages(s)
            case .gemini(var s):
                events += s.finish(answer, tokens: tokens)
                format = .gemini(s)
            case .unsupported: break
            }
        }
        return events
    }

    /// Runs `body` on the format state, moved out of `self` so it is mutated in place.
    private mutating func apply(_ body: (inout Format, inout [WireEvent]) -> Void) -> [WireEvent] {
        var events: [WireEvent] = []
        var current = format
        format = .unsupported
        body(&current, &events)
        format = current
        return events
    }

    /// The whole stream of a known answer, with text cut into word-sized deltas.
    static func events(_ response: CanonicalResponse, endpoint: LLMEndpoint, options: RenderOptions) -> [WireEvent] {
        var stream = StreamRenderer(endpoint: endpoint, options: options)
        var events = stream.start()
        for piece in TextChunker.words(response.content ?? "", maxCharacters: options.maxDeltaCharacters) {
            events += stream.text(piece)
        }
        for call in response.toolCalls { events += stream.toolCall(call) }
        events += stream.finish()
        return events
    }
}
