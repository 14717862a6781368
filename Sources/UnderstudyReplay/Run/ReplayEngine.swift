import Foundation
import UnderstudyArchive
import UnderstudyWire

/// Sends recorded requests to their clusters' specialists, many at a time, and judges every
/// answer. A request that fails (endpoint error, timeout, garbage) becomes a verdict with
/// status `error` and the reason; a cluster without a specialist gets `no_specialist`
/// verdicts. Replay itself only fails on a cancelled task.
///
/// ```swift
/// let engine = ReplayEngine(comparator: ResponseComparator(text: .locatingEmbedder()), concurrency: 8)
/// let verdicts = await engine.replay(cases, answerers: ["c001": answerer])
/// ```
public struct ReplayEngine: Sendable {
    public var comparator: ResponseComparator
    /// Requests in flight at once.
    public var concurrency: Int

    public init(comparator: ResponseComparator, concurrency: Int = 8) {
        self.comparator = comparator
        self.concurrency = max(1, concurrency)
    }

    /// One verdict per case, in the order of `cases`.
    public func replay(
        _ cases: [ReplayCase], answerers: [String: any SpecialistAnswerer],
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) async -> [Verdict] {
        var verdicts = [Verdict?](repeating: nil, count: cases.count)
        await withTaskGroup(of: (Int, Verdict).self) { group in
            var next = 0
            var done = 0
            func launch() {
                let index = next
                let replayCase = cases[index]
                let answerer = answerers[replayCase.request.cluster]
                next += 1
                group.addTask { (index, await judge(replayCase, answerer: answerer)) }
            }
            while next < cases.count && next < concurrency { launch() }
            while let (index, verdict) = await group.next() {
                verdicts[index] = verdict
                done += 1
                progress?(done, cases.count)
                if next < cases.count { launch() }
            }
        }
        return verdicts.map { $0! }
    }

    /// Replays and judges one case.
    public func judge(_ replayCase: ReplayCase, answerer: (any SpecialistAnswerer)?) async -> Verdict {
        let kind = comparator.kind(for: replayCase.expected)
        var verdict = Verdict(
            id: replayCase.request.id, cluster: replayCase.request.cluster, split: replayCase.split,
            weight: replayCase.weight, cost: replayCase.cost, model: replayCase.model, status: .noSpecialist,
            comparator: kind, reason: "no specialist for this cluster", selfAgreement: selfAgreement(replayCase),
            excerpt: replayCase.excerpt, expected: replayCase.expected.json)
        guard let answerer else { return verdict }
        let answer: SpecialistAnswer
        do {
            answer = try await answerer.answer(replayCase.request)
        } catch let error as ReplayAnswerError {
            verdict.status = .error
            verdict.reason = error.description
            return verdict
        } catch {
            verdict.status = .error
            verdict.reason = "specialist failed: \(error)"
            return verdict
        }
        verdict.confidence = answer.confidence
        verdict.minimumLogProbability = answer.minimumLogProbability
        verdict.meanLogProbability = answer.meanLogProbability
        verdict.latencyMilliseconds = answer.latency * 1000
        verdict.cpuSeconds = answer.cpuSeconds
        verdict.promptTokens = answer.promptTokens
        verdict.completionTokens = answer.completionTokens
        verdict.note = answer.note
        verdict.answer = answer.response.json
        let comparison = comparator.compare(expected: replayCase.expected, actual: answer.response)
        verdict.comparator = comparison.kind
        verdict.status = comparison.match ? .match : .mismatch
        verdict.reason = comparison.reason
        if !comparison.match {
            // The big model itself gave this answer to a duplicate of the request: it is as
            // right as the recording.
            for alternative in replayCase.alternatives
            where comparator.compare(expected: alternative.response, actual: answer.response).match {
                verdict.status = .match
                verdict.matchedAlternative = true
                verdict.reason = "matches another recorded answer of the big model (\(comparison.reason))"
                break
            }
        }
        return verdict
    }

    /// How often the big model gave the representative's answer to duplicates of the request.
    func selfAgreement(_ replayCase: ReplayCase) -> Verdict.SelfAgreement? {
        guard !replayCase.alternatives.isEmpty else { return nil }
        let others = replayCase.alternatives.reduce(0) { $0 + $1.count }
        let representative = max(1, replayCase.weight - others)
        var agreeing = representative
        for alternative in replayCase.alternatives
        where comparator.compare(expected: replayCase.expected, actual: alternative.response).match {
            agreeing += alternative.count
        }
        return Verdict.SelfAgreement(agreeing: agreeing, total: representative + others)
    }
}
