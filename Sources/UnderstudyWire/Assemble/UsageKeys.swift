import UnderstudyArchive

/// Where each API reports token usage: the member holding it and the counts read from it, in one
/// table shared by the reading of an assembled message (`ExchangeInterpreter.usage(in:api:)`)
/// and of an unstreamed answer's bytes (`AnswerReader`), so both give the same `Exchange.Usage`.
struct UsageKeys {
    private let api: LLMEndpoint.API
    /// The API's names (built once per process, not per record).
    private let table: Table

    init(api: LLMEndpoint.API) {
        self.api = api
        switch api {
        case .chatCompletions, .embeddings: table = Self.chatCompletions
        case .responses: table = Self.responses
        case .messages: table = Self.messages
        case .generateContent: table = Self.generateContent
        }
    }

    /// Whether the counts sit under `usage` (every API but Gemini's, whose is `usageMetadata`).
    var containerIsUsage: Bool { api != .generateContent }
    /// The names read, by index into `Counts`.
    var names: [StaticString] { table.names }

    /// The names read and, for lookups in a parsed `JSONValue`, the same as `String`s.
    private struct Table {
        let names: [StaticString]
        let strings: [String]
        init(_ names: [StaticString]) {
            self.names = names
            strings = names.map { String(describing: $0) }
        }
    }

    private static let chatCompletions = Table(["prompt_tokens", "completion_tokens"])
    private static let responses = Table(["input_tokens", "output_tokens"])
    private static let messages = Table(
        ["input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "output_tokens"])
    private static let generateContent = Table(["promptTokenCount", "candidatesTokenCount", "thoughtsTokenCount"])

    var container: String { containerIsUsage ? "usage" : "usageMetadata" }

    /// The counts read, one per name (nil: absent or not an integer).
    struct Counts {
        private var values: (Int?, Int?, Int?, Int?) = (nil, nil, nil, nil)

        subscript(index: Int) -> Int? {
            get {
                switch index {
                case 0: values.0
                case 1: values.1
                case 2: values.2
                default: values.3
                }
            }
            set {
                switch index {
                case 0: values.0 = newValue
                case 1: values.1 = newValue
                case 2: values.2 = newValue
                default: values.3 = newValue
                }
            }
        }
    }

    /// The index of the member name at `range` of `c`'s bytes among `names`, nil if none.
    /// `plain`: the bytes are the name (`JSONCursor.forEachMemberName`); else it is decoded.
    func index(_ c: JSONCursor, _ range: Range<Int>, plain: Bool) throws(JSONParseError) -> Int? {
        if plain { return names.firstIndex { c.bytes(range, equal: $0) } }
        var decoder = JSONCursor(c.bytes, position: range.lowerBound - 1)
        let name = try decoder.parseString()
        return table.strings.firstIndex(of: name)
    }

    /// The counts of a usage value (`assembled[container]`, not null).
    func counts(in usage: JSONValue) -> Counts {
        var counts = Counts()
        for (i, name) in table.strings.enumerated() { counts[i] = usage[name]?.intValue }
        return counts
    }

    /// The usage these counts make. Anthropic's input adds cache reads and writes, Gemini's output
    /// adds thoughts, so that every provider's counts cover the whole prompt and answer.
    func usage(_ counts: Counts) -> Exchange.Usage {
        switch api {
        case .chatCompletions, .embeddings, .responses:
            return Exchange.Usage(inputTokens: counts[0], outputTokens: counts[1])
        case .messages:
            return Exchange.Usage(inputTokens: Self.sum([counts[0], counts[1], counts[2]]), outputTokens: counts[3])
        case .generateContent:
            return Exchange.Usage(inputTokens: counts[0], outputTokens: Self.sum([counts[1], counts[2]]))
        }
    }

    /// The sum of the counts present, nil when none is. Saturates at `Int.max`/`Int.min`: counts
    /// come from the upstream, and an overflow trap here would take the recorder thread (and the
    /// proxy) down on a hostile or broken answer.
    private static func sum(_ values: [Int?]) -> Int? {
        let present = values.compactMap { $0 }
        guard !present.isEmpty else { return nil }
        return present.reduce(0) { total, count in
            let (result, overflow) = total.addingReportingOverflow(count)
            return overflow ? (count > 0 ? Int.max : Int.min) : result
        }
    }
}
