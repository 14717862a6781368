import Foundation
import UnderstudyArchive

/// Counters of what `serve` did with the calls it saw, for `/admin/stats` and the exit summary.
public final class RouterStats: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]

    public init() {}

    /// Counts one event (`specialist`, `upstream`, `fallback:timeout`, `shadow:agree`, …).
    public func count(_ key: String) {
        lock.withLock { counts[key, default: 0] += 1 }
    }

    public func value(_ key: String) -> Int { lock.withLock { counts[key] ?? 0 } }

    public var snapshot: [String: Int] { lock.withLock { counts } }

    public var json: JSONValue {
        .object(snapshot.sorted { $0.key < $1.key }.map { JSONMember($0.key, .int($0.value)) })
    }
}
