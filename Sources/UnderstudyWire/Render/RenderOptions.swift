import UnderstudyArchive

/// What a rendered answer says besides the canonical response: model, ids, token usage and how
/// finely streams are chunked. Every member has a default, so `RenderOptions()` renders a
/// plausible answer; pass fixed ids and `created` for byte-stable output in tests.
public struct RenderOptions: Sendable {
    /// The `model` the answer names.
    public var model: String
    /// The response id (`chatcmpl-…`, `resp_…`, `msg_…`); generated in the provider's style when nil.
    public var id: String?
    /// Unix seconds for `created` / `created_at`; now when nil.
    public var created: Int?
    /// Token usage; estimated from the text (about 4 characters a token) when nil.
    public var usage: Exchange.Usage?
    /// Input tokens used for the estimate when `usage` is nil (e.g. request body bytes / 4).
    public var estimatedInputTokens: Int
    /// OpenAI Chat Completions streams: send the final usage chunk (`stream_options.include_usage`).
    public var includeUsage: Bool
    /// OpenAI streams (Chat Completions chunks, Responses `….delta` events): end each with an
    /// `obfuscation` member of random padding, as OpenAI does unless the request sets
    /// `stream_options.include_obfuscation: false`. Off by default: `understudy serve` answers as
    /// OpenAI-compatible servers do, without it; `mock-upstream` turns it on as OpenAI would.
    public var obfuscation: Bool
    /// Longest text delta in characters; text is cut at word boundaries up to this length.
    public var maxDeltaCharacters: Int
    /// Length of each tool-argument fragment in a stream, in characters.
    public var argumentFragmentCharacters: Int
    /// Ids for the tool calls, in order; generated in the provider's style where missing.
    public var toolCallIDs: [String]

    public init(
        model: String = "understudy",
        id: String? = nil,
        created: Int? = nil,
        usage: Exchange.Usage? = nil,
        estimatedInputTokens: Int = 0,
        includeUsage: Bool = false,
        obfuscation: Bool = false,
        maxDeltaCharacters: Int = 12,
        argumentFragmentCharacters: Int = 8,
        toolCallIDs: [String] = []
    ) {
        self.model = model
        self.id = id
        self.created = created
        self.usage = usage
        self.estimatedInputTokens = estimatedInputTokens
        self.includeUsage = includeUsage
        self.obfuscation = obfuscation
        self.maxDeltaCharacters = max(1, maxDeltaCharacters)
        self.argumentFragmentCharacters = max(1, argumentFragmentCharacters)
        self.toolCallIDs = toolCallIDs
    }

    /// Input and output tokens: `usage` where given, else estimates.
    func tokens(for response: CanonicalResponse) -> (input: Int, output: Int) {
        let estimatedOutput = max(
            1,
            TextChunker.estimateTokens(response.content ?? "")
                + response.toolCalls.reduce(0) { $0 + TextChunker.estimateTokens($1.name + $1.argumentsText) })
        return (usage?.inputTokens ?? estimatedInputTokens, usage?.outputTokens ?? estimatedOutput)
    }

    /// The `obfuscation` member that ends an OpenAI stream's chunk (Chat Completions) or `….delta`
    /// event (Responses) when `obfuscation` is on; nothing when it is off.
    func padding() -> [JSONMember] {
        obfuscation ? [JSONMember("obfuscation", .string(WireID.padding()))] : []
    }

    var createdSeconds: Int { created ?? Int(Exchange.Timing.nowMicros() / 1_000_000) }

    func toolCallID(_ index: Int, prefix: String, length: Int) -> String {
        index < toolCallIDs.count ? toolCallIDs[index] : WireID.make(prefix, length: length)
    }
}
