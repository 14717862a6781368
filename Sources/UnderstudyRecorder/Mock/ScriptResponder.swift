import NIOConcurrencyHelpers
import NIOHTTP1
import UnderstudyArchive
import UnderstudyWire

/// Answers from a `MockScript`, rendering each entry's canonical response in the wire format
/// the request asked for (WireRenderer). Rendered answers are cached per entry and request
/// shape, so repeated requests only pay for matching.
public final class ScriptResponder: MockResponder {
    public let script: MockScript
    private let cache = NIOLockedValueBox<[CacheKey: MockReply]>([:])

    private struct CacheKey: Hashable {
        var entry: Int
        var api: LLMEndpoint.API
        var provider: LLMEndpoint.Provider
        var stream: Bool
        var sse: Bool
        var includeUsage: Bool
        var obfuscation: Bool
        var model: String?
    }

    public init(script: MockScript) {
        self.script = script
    }

    public func reply(method: String, target: String, headers: HTTPHeaders, body: [UInt8]) -> MockReply {
        let fields = headers.map { HTTPHeaderField($0.name, $0.value) }
        let json = try? JSONValue(parsing: body)
        let endpoint = LLMEndpoint.classify(method: method, target: target, headers: fields, body: json)
        let path = String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        let features = MockRequestFeatures(path: path, body: body, json: json, endpoint: endpoint)
        let provider = endpoint?.provider ?? .openai
        guard let entry = script.entry(for: features) else {
            let what = endpoint.map { "\($0.api.rawValue) request for model \($0.model ?? "(none)")" } ?? "\(method) \(path)"
            return Self.noMatch(
                status: endpoint == nil ? 404 : 400,
                message: "understudy mock-upstream: no script entry matches this \(what)"
                    + (features.userTexts.last.map { " (last user message: \(String($0.prefix(80))))" } ?? ""),
                provider: provider)
        }
        if !(200..<300).contains(entry.status) {
            let body = entry.error ?? WireRenderer.errorBody(
                status: entry.status, message: "understudy mock-upstream: scripted error \(entry.status)", provider: provider)
            return MockReply(RenderedResponse(status: entry.status, body: body))
        }
        guard let endpoint, let response = entry.response else {
            return Self.noMatch(status: 404, message: "understudy mock-upstream: \(method) \(path) is not an LLM API path",
                                provider: provider)
        }
        let includeUsage = json?["stream_options"]?["include_usage"]?.boolValue == true
        // OpenAI pads every streamed delta unless asked not to (`include_obfuscation`, default
        // true); only for provider openai (whether Azure pads was not checked). A cached reply
        // replays the same padding: what differs is chunk from chunk, as in OpenAI's streams.
        let obfuscation = endpoint.provider == .openai
            && json?["stream_options"]?["include_obfuscation"]?.boolValue != false
        let key = CacheKey(entry: entry.index, api: endpoint.api, provider: endpoint.provider, stream: endpoint.stream,
                           sse: endpoint.sse, includeUsage: includeUsage, obfuscation: obfuscation, model: endpoint.model)
        if let cached = cache.withLockedValue({ $0[key] }) { return cached }
        var options = RenderOptions()
        options.usage = entry.usage
        options.obfuscation = obfuscation
        options.estimatedInputTokens = max(1, body.count / 4)
        let rendered = WireRenderer.render(response, answering: json, at: endpoint, options: options)
        let output = entry.usage?.outputTokens
            ?? max(1, ((response.content ?? "").utf8.count + response.toolCalls.reduce(0) { $0 + $1.argumentsText.utf8.count }) / 4)
        let reply = MockReply(rendered, outputTokens: output)
        cache.withLockedValue { cache in
            if cache.count >= 10_000 { cache.removeAll() }  // bounded: models named by requests vary
            cache[key] = reply
        }
        return reply
    }
}
