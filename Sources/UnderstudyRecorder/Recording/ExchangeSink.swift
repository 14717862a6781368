import UnderstudyArchive

/// Where finished exchanges go. `ArchiveWriter` is the real one; tests use an in-memory sink.
///
/// `append` must never block: it answers `false` when the exchange could not be queued (queue
/// full, writer failed or closed), and the recorder counts a drop instead of failing a request.
public protocol ExchangeSink: Sendable {
    func append(_ exchange: Exchange) -> Bool
}
