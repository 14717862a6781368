import Foundation
import UnderstudyArchive
import UnderstudyWire

/// One recorded request as a specialist sees it: the cluster's constant prefix (system prompt
/// and tools) and the varying conversation after it, in the canonical form of docs/formats.md.
public struct ReplayRequest: Sendable {
    /// The recorded exchange id (the dataset line's `id`).
    public var id: String
    public var cluster: String
    public var system: String?
    /// `ToolSpec` objects: `{"name", "description", "parameters"}`.
    public var tools: [JSONValue]
    /// Canonical messages: `{"role", "content", "tool_calls"?, "tool_call_id"?}`.
    public var messages: [JSONValue]

    public init(id: String, cluster: String, system: String?, tools: [JSONValue], messages: [JSONValue]) {
        self.id = id
        self.cluster = cluster
        self.system = system
        self.tools = tools
        self.messages = messages
    }
}

/// What a specialist answered, and what it cost to answer.
public struct SpecialistAnswer: Sendable {
    public var response: CanonicalResponse
    /// The probability of the least likely generated token, `exp(minimum token log-prob)`, in
    /// [0, 1]. Thresholds in `replay/thresholds.json` are on this scale.
    public var confidence: Double
    public var minimumLogProbability: Double?
    public var meanLogProbability: Double?
    /// Wall time of the call, seconds.
    public var latency: Double
    /// CPU time spent answering, seconds, when the answerer can measure it (in process).
    public var cpuSeconds: Double?
    public var promptTokens: Int?
    public var completionTokens: Int?
    /// Something the report should say about how the answer was obtained
    /// ("endpoint returned no logprobs: confidence 1.0").
    public var note: String?

    public init(
        response: CanonicalResponse, confidence: Double, minimumLogProbability: Double? = nil,
        meanLogProbability: Double? = nil, latency: Double, cpuSeconds: Double? = nil, promptTokens: Int? = nil,
        completionTokens: Int? = nil, note: String? = nil
    ) {
        self.response = response
        self.confidence = confidence
        self.minimumLogProbability = minimumLogProbability
        self.meanLogProbability = meanLogProbability
        self.latency = latency
        self.cpuSeconds = cpuSeconds
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.note = note
    }

    /// Confidence from token log-probabilities: `exp(min)`, or 1 when there are none.
    public static func confidence(fromLogProbabilities values: [Double]) -> (confidence: Double, min: Double?, mean: Double?) {
        guard let minimum = values.min() else { return (1, nil, nil) }
        let mean = values.reduce(0, +) / Double(values.count)
        return (Swift.min(1, Swift.max(0, Foundation.exp(minimum))), minimum, mean)
    }
}

/// Answers replayed requests with one cluster's specialist: in process, at an OpenAI-compatible
/// endpoint, or (in tests) from a script. Errors are per request: replay records them as
/// misses with `ReplayAnswerError.description` as the reason and goes on.
///
/// ```swift
/// let answerer: any SpecialistAnswerer = EndpointAnswerer(url: endpoint, model: "travelapi")
/// let answer = try await answerer.answer(request)
/// ```
public protocol SpecialistAnswerer: Sendable {
    /// A short description for the report ("in-process scratch", "http://127.0.0.1:8000/v1").
    var target: String { get }
    func answer(_ request: ReplayRequest) async throws -> SpecialistAnswer
}

/// Why a specialist gave no usable answer. The description is the verdict's reason.
public struct ReplayAnswerError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable {
        case timeout, transport, status, garbage, specialist
    }

    public var kind: Kind
    public var detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String {
        switch kind {
        case .timeout: return "timeout: \(detail)"
        case .transport: return "endpoint unreachable: \(detail)"
        case .status: return "endpoint error: \(detail)"
        case .garbage: return "unusable answer: \(detail)"
        case .specialist: return "specialist failed: \(detail)"
        }
    }
}
