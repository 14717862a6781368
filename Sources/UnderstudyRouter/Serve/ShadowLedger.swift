import Foundation
import UnderstudyArchive
import UnderstudyWire

/// Specialist answers computed in the background for `shadow` calls, waiting for the upstream
/// exchange they will be compared with. Bounded: when `capacity` shadows are running, new
/// shadow calls are not asked (the route says `shadow_busy`), so shadowing never piles up work.
public final class ShadowLedger: @unchecked Sendable {
    /// What the specialist did for one shadowed call.
    public struct Result: Sendable {
        public var answer: CanonicalResponse?
        public var confidence: Double?
        public var milliseconds: Double
        /// `nil` when the answer is valid; else the fallback reason it would have had.
        public var problem: String?
    }

    private let lock = NSLock()
    private var running: [String: Task<Result, Never>] = [:]
    private var unclaimed = 0
    public let capacity: Int

    public init(capacity: Int = 4) {
        self.capacity = capacity
    }

    /// Starts `work` under `id`; false (nothing started) when the ledger is full.
    public func start(id: String, _ work: @escaping @Sendable () async -> Result) -> Bool {
        lock.withLock {
            guard running.count < capacity else { return false }
            running[id] = Task { await work() }
            return true
        }
    }

    /// The task for `id`, removed from the ledger.
    public func take(_ id: String) -> Task<Result, Never>? {
        lock.withLock { running.removeValue(forKey: id) }
    }

    public var inFlight: Int { lock.withLock { running.count } }
}
