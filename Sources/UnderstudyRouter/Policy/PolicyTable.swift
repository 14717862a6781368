import Foundation

/// The policy of every cluster, changeable while `serve` runs (admin API). Clusters without
/// their own entry use `defaultPolicy`.
///
/// ```swift
/// let table = PolicyTable(defaultPolicy: .shadow, policies: ["c001": .on])
/// table.policy(for: "c002")           // .shadow
/// table.set(.canary(0.1), for: "c002")
/// ```
public final class PolicyTable: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: RoutePolicy]
    private var fallback: RoutePolicy

    public init(defaultPolicy: RoutePolicy = .off, policies: [String: RoutePolicy] = [:]) {
        self.fallback = defaultPolicy
        self.entries = policies
    }

    public func policy(for cluster: String) -> RoutePolicy {
        lock.withLock { entries[cluster] ?? fallback }
    }

    public var defaultPolicy: RoutePolicy {
        get { lock.withLock { fallback } }
        set { lock.withLock { fallback = newValue } }
    }

    public func set(_ policy: RoutePolicy, for cluster: String) {
        lock.withLock { entries[cluster] = policy }
    }

    /// Cluster id → policy for every cluster with its own entry.
    public var explicit: [String: RoutePolicy] { lock.withLock { entries } }
}
