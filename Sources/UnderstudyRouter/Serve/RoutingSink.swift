import Foundation
import UnderstudyArchive
import UnderstudyRecorder
import UnderstudyReplay
import UnderstudyWire

/// The recording path of `serve`: every exchange goes to the archive as `record` writes it; a
/// shadowed one first waits for its specialist answer, which is compared with the upstream's
/// (the replay comparators) and written into `route` (`agreement`, `comparator`, `reason`), so
/// the next distillation and the report learn how the specialist did on live traffic.
///
/// `append` never blocks: a shadowed exchange is finished by a task; `drain()` waits for them.
public final class RoutingSink: ExchangeSink, @unchecked Sendable {
    private let inner: any ExchangeSink
    private let ledger: ShadowLedger
    private let comparator: ResponseComparator
    private let stats: RouterStats
    private let lock = NSLock()
    private var pending: [UUID: Task<Void, Never>] = [:]

    public init(inner: any ExchangeSink, ledger: ShadowLedger, comparator: ResponseComparator, stats: RouterStats) {
        self.inner = inner
        self.ledger = ledger
        self.comparator = comparator
        self.stats = stats
    }

    public func append(_ exchange: Exchange) -> Bool {
        guard let id = exchange.route?["shadow_id"]?.stringValue, let task = ledger.take(id) else {
            return inner.append(exchange)
        }
        let key = UUID()
        // Registered under the lock before the task can finish and unregister itself: a task
        // left behind would keep `drain()` waiting forever.
        lock.withLock {
            pending[key] = Task { [self] in
                let result = await task.value
                var exchange = exchange
                exchange.route = annotate(exchange, with: result)
                _ = inner.append(exchange)
                _ = lock.withLock { pending.removeValue(forKey: key) }
            }
        }
        return true
    }

    /// Waits until every shadowed exchange reached the archive.
    public func drain() async {
        while true {
            let tasks = lock.withLock { Array(pending.values) }
            if tasks.isEmpty { return }
            for task in tasks { await task.value }
        }
    }

    func annotate(_ exchange: Exchange, with result: ShadowLedger.Result) -> JSONValue {
        var route = exchange.route ?? .object([])
        route.remove("shadow_id")
        route.set("specialist_ms", .double((result.milliseconds * 10).rounded() / 10))
        if let confidence = result.confidence { route.set("confidence", .double((confidence * 10_000).rounded() / 10_000)) }
        if let answer = result.answer { route.set("specialist_answer", answer.json) }
        guard let answer = result.answer, result.problem == nil else {
            route.set("verdict", .string("shadow:" + (result.problem ?? "no_answer")))
            stats.count("shadow:failed")
            return route
        }
        guard let upstream = CanonicalExchange(exchange)?.response else {
            route.set("verdict", "shadow:no_upstream_answer")
            stats.count("shadow:no_upstream_answer")
            return route
        }
        let comparison = comparator.compare(expected: upstream, actual: answer)
        route.set("agreement", .bool(comparison.match))
        route.set("comparator", .string(comparison.kind.rawValue))
        if !comparison.match { route.set("reason", .string(comparison.reason)) }
        route.set("verdict", .string(comparison.match ? "shadow:agree" : "shadow:disagree"))
        stats.count(comparison.match ? "shadow:agree" : "shadow:disagree")
        return route
    }
}
