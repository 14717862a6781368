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
    // One of these is set, by the API. Optionals mutated through `!` are changed in place: the
    // enum with an assembler per case this replaces had to copy its payload out and back for
    // every event (a retain and release of every field, ~10% of the recorder thread on streams).
    private var chat: ChatCompletionsAssembler?
    private var responses: ResponsesAssembler?
    private var messages: AnthropicAssembler?
    private var gemini: GeminiAssembler?
    /// Events whose data was not JSON (besides OpenAI's `[DONE]`).
    public private(set) var skippedEvents = 0
    /// Chat chunks read as a change of the previous chunk's text alone (tests check the
    /// shortcut is taken).
    package var chatChunksReadAsChanges: Int { chat?.chunksReadAsChanges ?? 0 }

    public init(api: LLMEndpoint.API) {
        switch api {
        case .chatCompletions: chat = ChatCompletionsAssembler()
        case .responses: responses = ResponsesAssembler()
        case .messages: messages = AnthropicAssembler()
        case .generateContent: gemini = GeminiAssembler()
        case .embeddings: break
        }
    }

    /// Consumes one SSE event.
    public mutating func consume(event: String?, data: String) {
        if data == "[DONE]" { return }
        if chat != nil {
            // Chat chunks are read from their bytes, without a JSONValue tree per event; what
            // the reader does not take is parsed below, as every event was before.
            if chat!.consume(data: data) { return }
        }
        guard let json = try? JSONValue(parsing: data) else {
            skippedEvents += 1
            return
        }
        consume(json: json, event: event)
    }

    /// Consumes one already-parsed event payload (or one Gemini chunk).
    public mutating func consume(json: JSONValue, event: String? = nil) {
        if chat != nil {
            chat!.consume(json)
        } else if responses != nil {
            responses!.consume(json)
        } else if messages != nil {
            messages!.consume(json, event: event)
        } else if gemini != nil {
            gemini!.consume(json)
        }
    }

    /// The final message so far; `nil` before any usable event.
    public var assembled: JSONValue? {
        chat?.assembled ?? responses?.assembled ?? messages?.assembled ?? gemini?.assembled
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
