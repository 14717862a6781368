import UnderstudyArchive

/// Gemini generateContent: `candidates[0].content.parts` with `text` and `functionCall` parts;
/// streams are the same shape cut into chunks (text split, function calls whole), the last one
/// carrying `finishReason` and `usageMetadata`.
enum GeminiRenderer {
    static func body(_ response: CanonicalResponse, _ options: RenderOptions) -> JSONValue {
        var parts: [JSONValue] = []
        if let text = response.content { parts.append(["text": .string(text)]) }
        parts += response.toolCalls.map(functionCall)
        return chunk(parts: parts, options, final: true, tokens: options.tokens(for: response))
    }

    static func chunks(_ response: CanonicalResponse, _ options: RenderOptions) -> [JSONValue] {
        var options = options
        if options.id == nil { options.id = WireID.make("", length: 22) }
        var parts: [[JSONValue]] = TextChunker.words(
            response.content ?? "", maxCharacters: options.maxDeltaCharacters * 4
        )
        .map { [["text": .string($0)]] }
        if !response.toolCalls.isEmpty { parts.append(response.toolCalls.map(functionCall)) }
        if parts.isEmpty { parts = [[["text": ""]]] }
        return parts.enumerated().map { index, chunkParts in
            chunk(parts: chunkParts, options, final: index == parts.count - 1, tokens: options.tokens(for: response))
        }
    }

    static func functionCall(_ call: ToolCall) -> JSONValue {
        ["functionCall": ["name": .string(call.name), "args": call.arguments]]
    }

    static func chunk(parts: [JSONValue], _ options: RenderOptions, final: Bool, tokens: (input: Int, output: Int))
        -> JSONValue
    {
        var candidate: [JSONMember] = [JSONMember("content", ["parts": .array(parts), "role": "model"])]
        if final { candidate.append(JSONMember("finishReason", "STOP")) }
        candidate.append(JSONMember("index", 0))
        var members: [JSONMember] = [JSONMember("candidates", [.object(candidate)])]
        let (input, output) = tokens
        members.append(
            JSONMember(
                "usageMetadata",
                final
                    ? [
                        "promptTokenCount": .int(input), "candidatesTokenCount": .int(output),
                        "totalTokenCount": .int(input + output),
                    ] : ["promptTokenCount": .int(input), "totalTokenCount": .int(input)]))
        members.append(JSONMember("modelVersion", .string(options.model)))
        members.append(JSONMember("responseId", .string(options.id ?? WireID.make("", length: 22))))
        return .object(members)
    }
}

/// Incremental Gemini SSE chunks: one per text delta or tool call, then a final chunk with an
/// empty text part, `finishReason` and the full `usageMetadata`.
struct GeminiStream: Sendable {
    private var options: RenderOptions

    init(_ options: RenderOptions) {
        self.options = options
        if self.options.id == nil { self.options.id = WireID.make("", length: 22) }
    }

    private var inputOnly: (input: Int, output: Int) { (options.tokens(for: CanonicalResponse()).input, 0) }

    func text(_ delta: String) -> [WireEvent] {
        let chunk = GeminiRenderer.chunk(parts: [["text": .string(delta)]], options, final: false, tokens: inputOnly)
        return [WireEvent(data: chunk.serialized())]
    }

    func toolCall(_ call: ToolCall) -> [WireEvent] {
        let chunk = GeminiRenderer.chunk(
            parts: [GeminiRenderer.functionCall(call)], options, final: false, tokens: inputOnly)
        return [WireEvent(data: chunk.serialized())]
    }

    func finish(_ answer: CanonicalResponse, tokens: (input: Int, output: Int)) -> [WireEvent] {
        [
            WireEvent(
                data: GeminiRenderer.chunk(parts: [["text": ""]], options, final: true, tokens: tokens).serialized())
        ]
    }
}
