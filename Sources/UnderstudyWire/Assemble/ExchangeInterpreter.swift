import UnderstudyArchive

/// Works out what a recorded exchange means as an LLM call: provider, API, model, stream mode,
/// the final message as the provider's SDK would assemble it, and the token usage the upstream
/// reported. It never throws: on garbage it returns what it can (an `LLMInfo` with no
/// `assembled`), and `nil` only for requests that are not LLM API calls.
///
/// ```swift
/// exchange.llm = ExchangeInterpreter.interpret(exchange)
/// exchange.llm?.assembled?["choices"]?[0]?["message"]?["content"]
/// ```
public enum ExchangeInterpreter {
    /// Interprets `exchange`'s request and response.
    public static func interpret(_ exchange: Exchange) -> Exchange.LLMInfo? {
        interpret(request: exchange.request, response: exchange.response)
    }

    /// Interprets a request and its response (if any).
    public static func interpret(request: Exchange.Request, response: Exchange.Response?) -> Exchange.LLMInfo? {
        // The body's `model` and `stream` are all classification reads: no full parse.
        let summary = request.body.truncated ? nil : LLMEndpoint.bodySummary(request.body.bytes)
        guard
            let endpoint = LLMEndpoint.classify(
                method: request.method, target: request.target, headers: request.headers, body: summary)
        else { return nil }
        var unparsed = 0
        return interpret(endpoint: endpoint, response: response, unparsedEvents: &unparsed)
    }

    /// Interprets a response to a request already classified from its line and headers (the
    /// proxy classifies every request on arrival, to route it); `requestSummary` refines that
    /// with the body's `model` and `stream`, as classifying with the body would. Also counts into
    /// `unparsedEvents` the recorded events whose data did not parse as JSON (OpenAI's `[DONE]`
    /// aside): zero means every event is valid JSON, so the recorder need not validate them again.
    public static func interpret(
        classified: LLMEndpoint, requestSummary: JSONValue?, response: Exchange.Response?, unparsedEvents: inout Int
    ) -> Exchange.LLMInfo {
        var endpoint = classified
        endpoint.refine(withBody: requestSummary)
        return interpret(endpoint: endpoint, response: response, unparsedEvents: &unparsedEvents)
    }

    private static func interpret(
        endpoint: LLMEndpoint, response: Exchange.Response?, unparsedEvents: inout Int
    ) -> Exchange.LLMInfo {
        var info = Exchange.LLMInfo(
            provider: endpoint.provider.rawValue, api: endpoint.api.rawValue, model: endpoint.model,
            stream: endpoint.stream)
        guard let response else { return info }
        if isPlainAnswer(response, api: endpoint.api) {
            // An unstreamed answer is its own assembled message: kept as the body's bytes when
            // they are in compact form (the writer then copies them); usage, model and whether
            // the bytes are compact are read in one validating pass, building no values.
            let wantModel = info.model == nil
            guard let facts = AnswerReader.read(response.body.bytes, api: endpoint.api, wantModel: wantModel)
            else { return info }
            info.setAssembled(validJSON: response.body.bytes, compact: facts.compact)
            info.usage = facts.usage
            if wantModel { info.model = facts.model }
        } else {
            info.assembled = assemble(response: response, api: endpoint.api, unparsedEvents: &unparsedEvents)
            if let read = info.assembled {
                info.usage = usage(in: read, api: endpoint.api)
                if info.model == nil { info.model = responseModel(in: read) }
            }
        }
        return info
    }

    /// Whether `assemble` would return the body parsed: no events, not an event stream, not
    /// Gemini's array of chunks.
    private static func isPlainAnswer(_ response: Exchange.Response, api: LLMEndpoint.API) -> Bool {
        guard response.sse?.isEmpty ?? true, !SSEParser.isEventStream(response.headers) else { return false }
        guard api == .generateContent else { return true }
        let first = response.body.bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        return first != UInt8(ascii: "[")
    }

    /// The final message of `response`: events assembled for streams, the parsed body otherwise;
    /// counts the recorded events (`response.sse`) whose data did not parse into `unparsedEvents`.
    private static func assemble(
        response: Exchange.Response, api: LLMEndpoint.API, unparsedEvents: inout Int
    ) -> JSONValue? {
        if let events = response.sse, !events.isEmpty {
            var assembler = StreamAssembler(api: api)
            for event in events { assembler.consume(event: event.event, data: event.data) }
            unparsedEvents += assembler.skippedEvents
            return assembler.assembled
        }
        if SSEParser.isEventStream(response.headers) {
            var parser = SSEParser()
            var assembler = StreamAssembler(api: api)
            for event in parser.feed(response.body.bytes) + parser.finish(dispatchIncomplete: true) {
                assembler.consume(event: event.event, data: event.data)
            }
            return assembler.assembled
        }
        guard let body = response.body.json else { return nil }
        // Gemini's stream without alt=sse is a JSON array of chunks.
        if api == .generateContent, case .array = body {
            var assembler = StreamAssembler(api: api)
            assembler.consume(json: body)
            return assembler.assembled
        }
        return body
    }

    /// Token usage as reported in an assembled message or body. Anthropic's input count adds
    /// cache reads and writes, so that every provider's input count is the whole prompt.
    public static func usage(in assembled: JSONValue, api: LLMEndpoint.API) -> Exchange.Usage? {
        let keys = UsageKeys(api: api)
        guard let usage = assembled[keys.container], !usage.isNull else { return nil }
        return keys.usage(keys.counts(in: usage))
    }

    private static func responseModel(in assembled: JSONValue) -> String? {
        assembled["model"]?.stringValue ?? assembled["modelVersion"]?.stringValue
    }
}
