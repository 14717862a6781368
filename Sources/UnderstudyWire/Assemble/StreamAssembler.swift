import UnderstudyArchive

/// Builds the final message of a streamed answer from its events, as the provider's SDK does.
/// Feed each SSE event (or, for Gemini's JSON-array streams, each chunk); read `assembled` at
/// any point. Assemblers never fail: events they cannot parse are counted and skipped.
///
/// ```swift
/// var assembler = StreamAssembler(api: .chatCompletions)
/// for event in recordedEvents { assembler.consume(event: event.event, data: event.data) }
/// assembler.assembled   // a chat.completion object with the concatenated content and tool calls
/// ```
public struct StreamAssembler: Sendable {
    private enum Kind: Sendable {
        case chat(ChatCompletionsAssembler)
        case responses(ResponsesAssembler)
        case messages(AnthropicAssembler)
        case gemini(GeminiAssembler)
        case none
    }

    private var kind: Kind
    /// Events whose data was not JSON (besides OpenAI's `[DONE]`).
    public private(set) var skippedEvents = 0

    public init(api: LLMEndpoint.API) {
        switch api {
        case .chatCompletions: kind = .chat(ChatCompletionsAssembler())
        case .responses: kind = .responses(ResponsesAssembler())
        case .messages: kind = .messages(AnthropicAssembler())
        case .generateContent: kind = .gemini(GeminiAssembler())
        case .embeddings: kind = .none
        }
    }

    /// Consumes one SSE event.
    public mutating func consume(event: String?, data: String) {
        if data == "[DONE]" { return }
        if case .chat(var a) = kind {
            // Chat chunks are read from their bytes, without a JSONValue tree per event; what
            // the reader does not take is parsed below, as every event was before.
            kind = .none
            var data = data
            let read = data.withUTF8 { a.consume(data: $0) }
            kind = .chat(a)
            if read { return }
        }
        guard let json = try? JSONValue(parsing: data) else {
            skippedEvents += 1
            return
        }
        consume(json: json, event: event)
    }

    /// Consumes one already-parsed event payload (or one Gemini chunk).
    public mutating func consume(json: JSONValue, event: String? = nil) {
        switch kind {
        case .chat(var a):
            kind = .none
            a.consume(json)
            kind = .chat(a)
        case .responses(var a):
            kind = .none
            a.consume(json)
            kind = .responses(a)
        case .messages(var a):
            kind = .none
            a.consume(json, event: event)
            kind = .messages(a)
        case .gemini(var a):
            kind = .none
            a.consume(json)
            kind = .gemini(a)
        case .none:
            break
        }
    }

    /// The final message so far; `nil` before any usable event.
    public var assembled: JSONValue? {
        switch kind {
        case .chat(let a): a.assembled
        case .responses(let a): a.assembled
        case .messages(let a): a.assembled
        case .gemini(let a): a.assembled
        case .none: nil
        }
    }
}

extension [JSONMember] {
    /// Sets or appends a member, keeping first-seen order.
    mutating func set(_ key: String, _ value: JSONValue) {
        if let i = firstIndex(where: { $0.key == key }) {
            self[i].value = value
        } else {
            append(JSONMember(key, value))
        }
    }

    subscript(key: String) -> JSONValue? { first(where: { $0.key == key })?.value }
}
