import UnderstudyArchive

/// What an HTTP request is as an LLM API call: which provider's API it speaks, which operation,
/// which model and whether it asks for a streamed answer. Classification looks only at the
/// request line, the headers and (optionally) the JSON body; it never fails, it answers `nil`
/// for anything that is not a recognised LLM call, which the recorder then passes through raw.
///
/// ```swift
/// let endpoint = LLMEndpoint.classify(method: "POST", target: "/v1/chat/completions",
///                                     body: try JSONValue(parsing: #"{"model":"gpt-4o","stream":true}"#))
/// endpoint?.provider   // .openai
/// endpoint?.api        // .chatCompletions
/// endpoint?.model      // "gpt-4o"
/// endpoint?.stream     // true
/// ```
public struct LLMEndpoint: Sendable, Hashable {
    /// The service family whose wire format the request uses. OpenAI-compatible servers (vLLM,
    /// Ollama, llama.cpp) are `.openai`.
    public enum Provider: String, Sendable, Hashable, CaseIterable {
        case openai, azure, anthropic, gemini
    }

    /// The operation. Raw values are the `llm.api` strings of the archive (DESIGN.md).
    public enum API: String, Sendable, Hashable, CaseIterable {
        case chatCompletions = "chat.completions"
        case responses
        case embeddings
        case messages
        /// Gemini `:generateContent` and `:streamGenerateContent` (the latter has `stream == true`).
        case generateContent = "generate_content"
    }

    public var provider: Provider
    public var api: API
    /// The model: from the path for Azure deployments and Gemini, else from the body's `model`.
    public var model: String?
    /// Whether the answer comes as a stream: body `"stream": true` (OpenAI, Anthropic) or
    /// Gemini's `:streamGenerateContent`.
    public var stream: Bool
    /// For Gemini streams: `true` when `alt=sse` asks for SSE, `false` for the JSON-array stream.
    public var sse: Bool

    public init(provider: Provider, api: API, model: String? = nil, stream: Bool = false, sse: Bool? = nil) {
        self.provider = provider
        self.api = api
        self.model = model
        self.stream = stream
        self.sse = sse ?? stream
    }

    /// Classifies a request from its method, request target (path and query), headers and,
    /// when available, its JSON body. Answers `nil` for methods other than POST and for paths
    /// that are not LLM API calls.
    public static func classify(
        method: String, target: String, headers: [HTTPHeaderField] = [], body: JSONValue? = nil
    ) -> LLMEndpoint? {
        guard var endpoint = classify(method: method, target: target, headers: headers) else { return nil }
        endpoint.refine(withBody: body)
        return endpoint
    }

    /// Classifies from the request line and headers only (before the body has arrived).
    public static func classify(method: String, target: String, headers: [HTTPHeaderField]) -> LLMEndpoint? {
        guard method == "POST" || method.uppercased() == "POST" else { return nil }
        let (path, query) = splitTarget(target)
        // Substrings cut at UTF-8 bytes, not Characters: this runs for every request on the
        // proxy's event loop, and grapheme breaking was most of its cost.
        let segments = pathSegments(path)
        guard let last = segments.last else { return nil }

        // Gemini (and Vertex AI): ".../models/NAME:generateContent".
        if let colon = last.utf8.lastIndex(of: UInt8(ascii: ":")) {
            let name = String(last[..<colon])
            let verb = String(last[last.utf8.index(after: colon)...])
            let model = name.isEmpty ? nil : name
            switch verb {
            case "generateContent":
                return LLMEndpoint(provider: .gemini, api: .generateContent, model: model)
            case "streamGenerateContent":
                let sse = queryValue("alt", in: query)?.lowercased() == "sse"
                return LLMEndpoint(provider: .gemini, api: .generateContent, model: model, stream: true, sse: sse)
            case "embedContent", "batchEmbedContents":
                return LLMEndpoint(provider: .gemini, api: .embeddings, model: model)
            default:
                return nil
            }
        }

        let api: API
        let suffixCount: Int
        if segments.count >= 2, segments[segments.count - 2] == "chat", last == "completions" {
            api = .chatCompletions
            suffixCount = 2
        } else if last == "responses" {
            api = .responses
            suffixCount = 1
        } else if last == "embeddings" {
            api = .embeddings
            suffixCount = 1
        } else if last == "messages", segments.count >= 2, segments[segments.count - 2] == "v1" {
            // Only ".../v1/messages": OpenAI's Assistants API also has ".../threads/ID/messages".
            return LLMEndpoint(provider: .anthropic, api: .messages)
        } else {
            return nil
        }

        // Azure deployments: "/openai/deployments/NAME/chat/completions?api-version=…".
        let before = segments.dropLast(suffixCount)
        if before.count >= 2, before[before.endIndex - 2] == "deployments" {
            return LLMEndpoint(provider: .azure, api: api, model: before.last.map(String.init))
        }
        let host = (headers.first(named: "host") ?? "").lowercased()
        // The host without its port; suffix checks, not `contains` (Foundation's substring search
        // showed up on the proxy's hot path).
        let hostName = host.lastIndex(of: ":").map { host[..<$0] } ?? Substring(host)
        let isAzure =
            hostName.hasSuffix(".openai.azure.com") || hostName.hasSuffix(".cognitiveservices.azure.com")
            || (queryValue("api-version", in: query) != nil && headers.first(named: "api-key") != nil)
        return LLMEndpoint(provider: isAzure ? .azure : .openai, api: api)
    }

    /// Fills in what only the body says: the model (unless the path named it) and `stream`.
    public mutating func refine(withBody body: JSONValue?) {
        guard let body else { return }
        if model == nil, let name = body["model"]?.stringValue { model = name }
        if provider != .gemini, body["stream"]?.boolValue == true {
            stream = true
            sse = true
        }
    }

    /// The canonical request path of this endpoint, used when a request must be sent anew (for
    /// example by replay) to a server of the same API.
    public var canonicalPath: String {
        switch (provider, api) {
        case (.anthropic, _), (_, .messages): return "/v1/messages"
        case (.gemini, .generateContent):
            let name = model ?? "model"
            return stream
                ? "/v1beta/models/\(name):streamGenerateContent?alt=sse" : "/v1beta/models/\(name):generateContent"
        case (.gemini, .embeddings): return "/v1beta/models/\(model ?? "model"):embedContent"
        case (.azure, _):
            let tail = api == .chatCompletions ? "chat/completions" : api.rawValue
            // Deployment paths require an api-version; this one supports tools and streaming usage.
            return "/openai/deployments/\(model ?? "model")/\(tail)?api-version=2024-10-21"
        case (_, .chatCompletions): return "/v1/chat/completions"
        case (_, .responses): return "/v1/responses"
        case (_, .embeddings): return "/v1/embeddings"
        case (_, .generateContent): return "/v1beta/models/\(model ?? "model"):generateContent"
        }
    }

    static func splitTarget(_ target: String) -> (path: Substring, query: Substring) {
        var path = Substring(target)
        // Absolute-form targets (forward proxies): "http://host/path". Origin-form targets start
        // with "/" and skip the search (Foundation's range(of:) is slow on the proxy's hot path).
        if path.utf8.first != UInt8(ascii: "/"), let scheme = path.range(of: "://") {
            let rest = path[scheme.upperBound...]
            path = rest.utf8.firstIndex(of: UInt8(ascii: "/")).map { rest[$0...] } ?? "/"
        }
        if let fragment = path.utf8.firstIndex(of: UInt8(ascii: "#")) { path = path[..<fragment] }
        guard let mark = path.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (path, "") }
        return (path[..<mark], path[path.utf8.index(after: mark)...])
    }

    /// The non-empty `/`-separated segments of a path, found byte by byte.
    static func pathSegments(_ path: Substring) -> [Substring] {
        var segments: [Substring] = []
        let bytes = path.utf8
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "/") {
                if start < index { segments.append(path[start..<index]) }
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        if start < bytes.endIndex { segments.append(path[start..<bytes.endIndex]) }
        return segments
    }

    static func queryValue(_ name: String, in query: Substring) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.first.map(String.init) == name { return parts.count > 1 ? String(parts[1]) : "" }
        }
        return nil
    }
}
