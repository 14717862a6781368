import Foundation
import UnderstudyArchive
import UnderstudyRecorder
import UnderstudyReplay
import UnderstudyWire

/// `serve`'s decision for each LLM request held by the proxy: match it to a cluster, apply the
/// cluster's policy, and when the specialist is asked, serve its answer only if it arrived
/// within the time budget, passes `AnswerValidator` and reaches the cluster's confidence
/// threshold. Every other path is the upstream, and every path leaves a `route` in the record
/// and an `x-understudy-route` header (`specialist:c003`, `upstream`, `upstream:fallback:timeout`).
///
/// ```swift
/// let router = SpecialistRouter(matcher: matcher, policies: policies, thresholds: thresholds,
///                               answerers: ["c001": EndpointAnswerer(url: url)])
/// let proxy = ReverseProxy(configuration: config, recorder: recorder, metrics: metrics, answerer: router)
/// ```
public final class SpecialistRouter: LocalAnswerer {
    public let matcher: ClusterMatcher
    public let policies: PolicyTable
    public let thresholds: ThresholdTable
    public let answerers: [String: any SpecialistAnswerer]
    public let ledger: ShadowLedger
    public let stats: RouterStats
    /// Longest wait for a specialist answer before the call goes upstream.
    public let budgetSeconds: Double
    /// Longest a background (shadow) answer may take.
    public let shadowBudgetSeconds: Double
    private let draw: @Sendable () -> Double

    public init(
        matcher: ClusterMatcher, policies: PolicyTable, thresholds: ThresholdTable,
        answerers: [String: any SpecialistAnswerer], ledger: ShadowLedger = ShadowLedger(),
        stats: RouterStats = RouterStats(), budgetSeconds: Double = 2, shadowBudgetSeconds: Double = 30,
        draw: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.matcher = matcher
        self.policies = policies
        self.thresholds = thresholds
        self.answerers = answerers
        self.ledger = ledger
        self.stats = stats
        self.budgetSeconds = budgetSeconds
        self.shadowBudgetSeconds = shadowBudgetSeconds
        self.draw = draw
    }

    public func decide(_ request: LocalAnswerRequest) async -> LocalDecision {
        stats.count("requests")
        guard let body = try? JSONValue(parsing: request.body) else {
            return upstream(["by": "upstream", "verdict": "request_not_json"], counter: "upstream:request_not_json")
        }
        var endpoint = request.endpoint
        endpoint.refine(withBody: body)
        let (prefix, messages) = CanonicalRequest.read(body, api: endpoint.api)
        let match = matcher.match(prefix: prefix, messages: messages, api: endpoint.api.rawValue, model: endpoint.model ?? "")
        guard case .matched(let cluster, let distance) = match else {
            var route: JSONValue = ["by": "upstream", "cluster": nil]
            if case .unmatched(let reason, let nearest, let distance) = match {
                route.set("verdict", .string(reason))
                if let nearest { route.set("nearest", .string(nearest)) }
                if let distance { route.set("distance", .double(distance)) }
                return upstream(route, counter: "upstream:\(reason)")
            }
            return upstream(route, counter: "upstream:unmatched")
        }
        let policy = policies.policy(for: cluster)
        let threshold = thresholds.threshold(for: cluster)
        var route: JSONValue = [
            "by": "upstream", "cluster": .string(cluster), "distance": .double(distance),
            "policy": .string(policy.description), "threshold": threshold.map { .double($0) } ?? .null,
        ]
        let answerer = answerers[cluster]
        let specialistRequest = ReplayRequest(
            id: ULID.generate(), cluster: cluster, system: prefix.system, tools: prefix.tools.map(\.json),
            messages: messages.map(\.json))
        switch PolicyDecider.action(policy: policy, hasSpecialist: answerer != nil, draw: draw()) {
        case .upstream(let reason):
            route.set("verdict", .string(reason))
            return upstream(route, counter: "upstream:\(reason)")
        case .shadow:
            let id = specialistRequest.id
            let tools = prefix.tools
            let budget = shadowBudgetSeconds
            let started = ContinuousClock.now
            let accepted = ledger.start(id: id) {
                let outcome = await SpecialistCall.ask(answerer!, specialistRequest, budgetSeconds: budget)
                let ms = Self.milliseconds(since: started)
                switch outcome {
                case .failed(let reason, _):
                    return ShadowLedger.Result(answer: nil, confidence: nil, milliseconds: ms, problem: reason)
                case .answered(let answer):
                    let problem = AnswerValidator.problem(answer.response, tools: tools).map { "invalid:" + $0 }
                    return ShadowLedger.Result(
                        answer: answer.response, confidence: answer.confidence, milliseconds: ms, problem: problem)
                }
            }
            route.set("verdict", accepted ? "shadow:pending" : "shadow_busy")
            if accepted { route.set("shadow_id", .string(id)) }
            return upstream(route, counter: accepted ? "upstream:shadow" : "upstream:shadow_busy")
        case .specialist where threshold == nil:
            // Replay proposed no threshold: no answer of this specialist may be served, so do
            // not spend its time (shadow still asks, to gather evidence).
            route.set("verdict", "no_threshold")
            return upstream(route, counter: "upstream:no_threshold")
        case .specialist:
            return await askSpecialist(answerer!, specialistRequest, prefix: prefix, body: body, endpoint: endpoint,
                                       threshold: threshold, route: route)
        }
    }

    private func askSpecialist(
        _ answerer: any SpecialistAnswerer, _ request: ReplayRequest, prefix: CanonicalPrefix, body: JSONValue,
        endpoint: LLMEndpoint, threshold: Double?, route: JSONValue
    ) async -> LocalDecision {
        var route = route
        let started = ContinuousClock.now
        let outcome = await SpecialistCall.ask(answerer, request, budgetSeconds: budgetSeconds)
        route.set("specialist_ms", .double((Self.milliseconds(since: started) * 10).rounded() / 10))
        let answer: SpecialistAnswer
        switch outcome {
        case .failed(let reason, let detail):
            route.set("error", .string(String(detail.prefix(300))))
            return fallback(route, reason: reason)
        case .answered(let a):
            answer = a
        }
        route.set("confidence", .double((answer.confidence * 10_000).rounded() / 10_000))
        route.set("specialist_answer", answer.response.json)
        if let problem = AnswerValidator.problem(answer.response, tools: prefix.tools) {
            route.set("problem", .string(problem))
            return fallback(route, reason: "invalid")
        }
        guard PolicyDecider.accepts(confidence: answer.confidence, threshold: threshold) else {
            return fallback(route, reason: threshold == nil ? "no_threshold" : "low_confidence")
        }
        let rendered = WireRenderer.render(answer.response, answering: body, at: endpoint)
        guard rendered.status == 200 else { return fallback(route, reason: "unrenderable") }
        route.set("by", "specialist")
        route.set("verdict", "served")
        route.remove("specialist_answer")  // it is the recorded response itself
        stats.count("specialist")
        stats.count("specialist:\(request.cluster)")
        let chunks = rendered.isStream ? rendered.events.map(\.bytes) : [rendered.bytes]
        return .answer(LocalResponse(
            status: 200, headers: [HTTPHeaderField("content-type", rendered.contentType)], chunks: chunks,
            route: route, header: "specialist:\(request.cluster)"))
    }

    private func upstream(_ route: JSONValue, counter: String) -> LocalDecision {
        stats.count("upstream")
        stats.count(counter)
        return .forwardUpstream(route: route, header: "upstream")
    }

    private func fallback(_ route: JSONValue, reason: String) -> LocalDecision {
        var route = route
        route.set("verdict", .string("fallback:\(reason)"))
        stats.count("upstream")
        stats.count("fallback:\(reason)")
        let short = reason.split(separator: ":").first.map(String.init) ?? reason
        return .forwardUpstream(route: route, header: "upstream:fallback:\(short)")
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
