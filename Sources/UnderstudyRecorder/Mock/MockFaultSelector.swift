import Atomics
import NIOHTTP1

/// Decides which requests get which fault: a request header `x-understudy-mock-fault: MODE`
/// picks one for that request; otherwise `rate` of the requests, spread evenly (deterministic,
/// so a run is reproducible), get the configured faults in turn.
public final class MockFaultSelector: Sendable {
    /// The per-request override header (a test's way to ask for one fault on one request).
    public static let header = "x-understudy-mock-fault"

    public let settings: MockFaultSettings
    private let requests = ManagedAtomic<Int>(0)

    public init(settings: MockFaultSettings) {
        self.settings = settings
    }

    /// The fault for the next request with these headers, or nil for a good answer.
    /// An override that does not parse is ignored (the request is answered normally).
    public func fault(for headers: HTTPHeaders) -> MockFault? {
        if let asked = headers.first(name: Self.header) {
            return try? MockFault(parsing: String(asked.filter { $0 != " " }))
        }
        guard !settings.faults.isEmpty, settings.rate > 0 else { return nil }
        let n = requests.loadThenWrappingIncrement(ordering: .relaxed)
        return Self.pick(request: n, rate: settings.rate, faults: settings.faults)
    }

    /// Request `n` (from 0) is faulted when `floor((n + 1) · rate)` steps up; the k-th faulted
    /// request gets `faults[k % count]`.
    static func pick(request n: Int, rate: Double, faults: [MockFault]) -> MockFault? {
        let clamped = min(max(rate, 0), 1)
        let before = Int((Double(n) * clamped).rounded(.down))
        let after = Int((Double(n + 1) * clamped).rounded(.down))
        guard after > before, !faults.isEmpty else { return nil }
        return faults[before % faults.count]
    }
}
