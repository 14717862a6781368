import AsyncHTTPClient
import Foundation
import NIOCore
import UnderstudyArchive

/// Answers with a specialist served by any OpenAI-compatible endpoint (vLLM, llama.cpp server,
/// Ollama): each replayed request becomes a Chat Completions call with the cluster's system
/// prompt, tools and varying messages. Confidence comes from the returned `logprobs`; servers
/// that return none get confidence 1.0 and a note in the verdict.
///
/// ```swift
/// let answerer = EndpointAnswerer(url: URL(string: "http://127.0.0.1:8000/v1")!, model: "{cluster}")
/// ```
public struct EndpointAnswerer: SpecialistAnswerer {
    /// The chat completions URL (`…/v1/chat/completions`).
    public let url: String
    /// The model name sent; `{cluster}` is replaced by the cluster id.
    public var model: String
    public var timeout: TimeAmount
    public var maxTokens: Int
    /// Sent as `Authorization: Bearer …` when set; never written anywhere.
    public var apiKey: String?
    private let client: HTTPClient

    public var target: String { url }

    /// - Parameters:
    ///   - url: a base URL (`http://host:8000`, `http://host:8000/v1`) or the full
    ///     `…/chat/completions` URL.
    ///   - model: model name, with `{cluster}` replaced by the cluster id.
    ///   - timeoutSeconds: per request; a slower answer is a miss ("timeout").
    public init(
        url: URL, model: String = "{cluster}", timeoutSeconds: Double = 30, maxTokens: Int = 512,
        apiKey: String? = nil, client: HTTPClient = .shared
    ) {
        self.url = Self.chatCompletionsURL(url)
        self.model = model
        self.timeout = .milliseconds(Int64(timeoutSeconds * 1000))
        self.maxTokens = maxTokens
        self.apiKey = apiKey
        self.client = client
    }

    static func chatCompletionsURL(_ url: URL) -> String {
        var text = url.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        if text.hasSuffix("/chat/completions") { return text }
        if text.hasSuffix("/v1") { return text + "/chat/completions" }
        return text + "/v1/chat/completions"
    }

    public func answer(_ request: ReplayRequest) async throws -> SpecialistAnswer {
        let name = model.replacingOccurrences(of: "{cluster}", with: request.cluster)
        var http = HTTPClientRequest(url: url)
        http.method = .POST
        http.headers.add(name: "content-type", value: "application/json")
        if let apiKey { http.headers.add(name: "authorization", value: "Bearer \(apiKey)") }
        http.body = .bytes(ByteBuffer(bytes: ChatCompletionsRequest.body(for: request, model: name, maxTokens: maxTokens).serializedBytes()))
        let started = ContinuousClock.now
        let deadline = NIODeadline.now() + timeout
        let status: UInt
        let bytes: [UInt8]
        do {
            let response = try await client.execute(http, deadline: deadline)
            status = response.status.code
            let buffer = try await response.body.collect(upTo: 16 << 20)
            bytes = Array(buffer.readableBytesView)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw ReplayAnswerError(.timeout, "no answer from \(url) within \(Self.seconds(timeout)) s")
        } catch {
            if NIODeadline.now() >= deadline {
                throw ReplayAnswerError(.timeout, "no answer from \(url) within \(Self.seconds(timeout)) s")
            }
            throw ReplayAnswerError(.transport, "\(url): \(error)")
        }
        let latency = Self.seconds(ContinuousClock.now - started)
        guard (200..<300).contains(status) else {
            let excerpt = String(decoding: bytes.prefix(120), as: UTF8.self)
            throw ReplayAnswerError(.status, "HTTP \(status) from \(url): \(excerpt.debugDescription)")
        }
        let parsed = try ChatCompletionsAnswer.parse(bytes)
        let confidence = SpecialistAnswer.confidence(fromLogProbabilities: parsed.logProbabilities)
        return SpecialistAnswer(
            response: parsed.response, confidence: confidence.confidence, minimumLogProbability: confidence.min,
            meanLogProbability: confidence.mean, latency: latency, promptTokens: parsed.promptTokens,
            completionTokens: parsed.completionTokens,
            note: parsed.logProbabilities.isEmpty ? "endpoint returned no logprobs: confidence 1.0" : nil)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) * 1e-18
    }

    static func seconds(_ amount: TimeAmount) -> Double { Double(amount.nanoseconds) / 1e9 }
}
