import Foundation
import UnderstudyWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Answers with a specialist running in this process. The answering itself (prompt rendering
/// per PROMPT_FORMAT.md, the Llama decoder, constrained decoding, value slots) belongs to
/// UnderstudyInference; this type only times it (wall and CPU time of the calling thread) and
/// turns token log-probabilities into the verdict's confidence.
///
/// ```swift
/// let answerer = InProcessAnswerer(name: "in-process c001") { request in
///     let result = try specialist.answer(messages: request.messages)
///     return .init(response: result.response, logProbabilities: result.logProbabilities)
/// }
/// ```
public struct InProcessAnswerer: SpecialistAnswerer {
    public struct Generated: Sendable {
        public var response: CanonicalResponse
        public var logProbabilities: [Double]
        public var promptTokens: Int?
        public var completionTokens: Int?

        public init(response: CanonicalResponse, logProbabilities: [Double], promptTokens: Int? = nil, completionTokens: Int? = nil) {
            self.response = response
            self.logProbabilities = logProbabilities
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
        }
    }

    public typealias Generate = @Sendable (ReplayRequest) throws -> Generated

    public let target: String
    private let generate: Generate

    public init(name: String, generate: @escaping Generate) {
        self.target = name
        self.generate = generate
    }

    public func answer(_ request: ReplayRequest) async throws -> SpecialistAnswer {
        let wallStart = ContinuousClock.now
        let cpuStart = Self.threadCPUSeconds()
        let generated: Generated
        do {
            generated = try generate(request)
        } catch let error as ReplayAnswerError {
            throw error
        } catch {
            throw ReplayAnswerError(.specialist, "\(error)")
        }
        let cpu = Self.threadCPUSeconds() - cpuStart
        let confidence = SpecialistAnswer.confidence(fromLogProbabilities: generated.logProbabilities)
        return SpecialistAnswer(
            response: generated.response, confidence: confidence.confidence, minimumLogProbability: confidence.min,
            meanLogProbability: confidence.mean, latency: EndpointAnswerer.seconds(ContinuousClock.now - wallStart),
            cpuSeconds: cpu, promptTokens: generated.promptTokens, completionTokens: generated.completionTokens)
    }

    /// CPU time of the calling thread: the answer runs synchronously on it.
    static func threadCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

/// A cluster whose specialist could not be loaded: every request is a miss with the reason, so
/// the cluster shows in the report with what went wrong instead of disappearing.
public struct UnavailableAnswerer: SpecialistAnswerer {
    public let target: String
    public let reason: String

    public init(target: String, reason: String) {
        self.target = target
        self.reason = reason
    }

    public func answer(_ request: ReplayRequest) async throws -> SpecialistAnswer {
        throw ReplayAnswerError(.specialist, reason)
    }
}
