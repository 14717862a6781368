import UnderstudyArchive

/// Where finished exchanges go. `ArchiveWriter` is the real one; tests use an in-memory sink.
///
/// `append` must never block: it answers `false` when the exchange could not be queued (queue
/// full, writer failed or closed), and the recorder counts a drop instead of failing a request.
public protocol ExchangeSink: Sendable {
    func append(_ exchange: Exchange) -> Bool
    /// Queues several exchanges in one hand-off; answers how many were queued (a prefix: the
    /// rest were refused, as `append` would refuse them). Never blocks.
    func append(contentsOf exchanges: [Exchange]) -> Int
    /// `append(contentsOf:)` that may take the records over instead of copying them; leaves
    /// `exchanges` empty (its storage may be another array's, for reuse).
    func append(moving exchanges: inout [Exchange]) -> Int
}

extension ExchangeSink {
    /// One `append` per exchange, for sinks without a cheaper batch hand-off.
    public func append(contentsOf exchanges: [Exchange]) -> Int {
        var accepted = 0
        for exchange in exchanges where append(exchange) { accepted += 1 }
        return accepted
    }

    /// A copy into `append(contentsOf:)`, for sinks that cannot take records over.
    public func append(moving exchanges: inout [Exchange]) -> Int {
        defer { exchanges.removeAll(keepingCapacity: true) }
        return append(contentsOf: exchanges)
    }
}
