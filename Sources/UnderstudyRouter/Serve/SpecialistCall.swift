import UnderstudyReplay

/// Asks a specialist with a time budget: a late answer is as good as none, because the caller
/// still has the upstream to fall back on, and a user waiting on a stalled specialist is worse
/// than one served by the big model.
enum SpecialistCall {
    enum Outcome: Sendable {
        case answered(SpecialistAnswer)
        /// `timeout`, `error:<kind>`.
        case failed(reason: String, detail: String)
    }

    /// Returns at the budget even when the answerer keeps running (an in-process decoder cannot
    /// be interrupted): the late answer is dropped.
    static func ask(
        _ answerer: any SpecialistAnswerer, _ request: ReplayRequest, budgetSeconds: Double
    ) async -> Outcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let once = Once(continuation)
            let work = Task {
                do {
                    once.resume(.answered(try await answerer.answer(request)))
                } catch let error as ReplayAnswerError {
                    once.resume(.failed(reason: error.kind == .timeout ? "timeout" : "error:\(error.kind.rawValue)",
                                        detail: error.description))
                } catch {
                    once.resume(.failed(reason: "error:specialist", detail: "\(error)"))
                }
            }
            Task {
                try? await Task.sleep(for: .milliseconds(Int64(budgetSeconds * 1000)))
                if once.resume(.failed(reason: "timeout", detail: "no answer within \(budgetSeconds) s")) { work.cancel() }
            }
        }
    }

    /// Resumes a continuation once; later calls are ignored.
    final class Once: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Outcome, Never>?

        init(_ continuation: CheckedContinuation<Outcome, Never>) {
            self.continuation = continuation
        }

        @discardableResult
        func resume(_ outcome: Outcome) -> Bool {
            let pending = lock.withLock { () -> CheckedContinuation<Outcome, Never>? in
                defer { continuation = nil }
                return continuation
            }
            pending?.resume(returning: outcome)
            return pending != nil
        }
    }
}

import Foundation
