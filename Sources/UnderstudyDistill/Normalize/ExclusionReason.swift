/// Why a recorded exchange does not enter the corpus (or enters it raw, untrainable).
public enum ExclusionReason: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Not an LLM API call at all (health checks, model lists, uploads).
    case notLLM = "not_llm"
    /// An embeddings call: an LLM API, but nothing a specialist answers.
    case embeddings
    /// The upstream answered with an error outcome.
    case upstreamError = "upstream_error"
    /// The agent hung up before the answer was complete.
    case clientAborted = "client_aborted"
    /// The proxy failed.
    case proxyError = "proxy_error"
    /// A non-2xx HTTP status.
    case httpError = "http_error"
    /// No response was recorded.
    case noResponse = "no_response"
    /// The request body was cut by the recorder's size limit, so its conversation is incomplete.
    case truncatedRequest = "truncated_request"
    /// The answer could not be read as a canonical response.
    case unreadableResponse = "unreadable_response"
    /// Looks like an LLM call of a provider Understudy does not know: kept raw in the corpus
    /// (anonymized), never used for training.
    case unknownProvider = "unknown_provider"

    public static func < (lhs: ExclusionReason, rhs: ExclusionReason) -> Bool { lhs.rawValue < rhs.rawValue }
}
