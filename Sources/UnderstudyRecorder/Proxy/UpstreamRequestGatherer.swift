import NIOCore

/// Where `UpstreamRequestGatherer` sends a request's bytes: the upstream channel
/// (`UpstreamConnection`), or a test's recorder.
public protocol UpstreamRequestSink: AnyObject {
    /// Writes `buffer` down the pipeline; `flush`: written and flushed in one pass.
    func send(_ buffer: ByteBuffer, flush: Bool)
    /// Flushes what was written (a pass down the pipeline with nothing new to write).
    func flushWritten()
}

/// The upstream side's write batching for one request at a time: the request head and small body
/// writes after it are gathered into one buffer until the flush, so a small request leaves as one
/// buffer (one pipeline write, one iovec) instead of two; larger bodies pass as the slices read (no
/// copy). A flush goes down the pipeline only when something was written since the last one: the
/// proxy asks for one after every client read burst.
///
/// A class, not a struct held in `UpstreamConnection`: sending calls out to the sink, and a write
/// to the channel can fail at once (the upstream reset the connection), which NIO reports by
/// closing the channel within that call, and the connection's close takes the unsent bytes from
/// here; NIO also reads before it closes, so the connection's end of the answer can start and flush
/// the next request inside a send. As a struct property that was a second access to it inside the
/// first (a crash with the run-time exclusivity checks, undefined without them); an object's stored
/// properties are accessed one at a time, and each step leaves them consistent before it calls out
/// (`needsFlush` is set before an unflushed send, so a flush inside it sends those bytes on).
public final class UpstreamRequestGatherer {
    /// Up to this many bytes in all are gathered after a head.
    public static let gatherLimit = 4 * 1024

    /// The head and small body writes after it, not yet sent.
    private var gathered: ByteBuffer?
    /// The last gathered buffer sent, reused for the next request's head (`ByteBuffer.recycled`).
    private var scratch = ByteBuffer()
    /// Something was written (or gathered) since the last flush.
    public private(set) var needsFlush = false

    public init() {}

    /// Starts a request at its encoded `head`, held until the next flush or a large write.
    public func start(_ head: ByteBuffer) {
        gathered = head
        needsFlush = true
    }

    /// Writes `buffer` after what came before: gathered while the whole stays within
    /// `gatherLimit`, else the gathered bytes and then `buffer` are sent, unflushed.
    public func write(_ buffer: ByteBuffer, to sink: some UpstreamRequestSink) {
        if gathered != nil {
            if gathered!.readableBytes + buffer.readableBytes <= Self.gatherLimit {
                gathered!.writeImmutableBuffer(buffer)
                return
            }
            sendGathered(to: sink)
        }
        pass(buffer, to: sink)
    }

    /// Sends `buffer` as it is, unflushed (bytes that waited for the connection to open).
    public func pass(_ buffer: ByteBuffer, to sink: some UpstreamRequestSink) {
        needsFlush = true
        sink.send(buffer, flush: false)
    }

    /// Flushes what was written since the last flush: the gathered bytes, if any, written and
    /// flushed in one pass; nothing at all when nothing was written.
    public func flush(to sink: some UpstreamRequestSink) {
        guard needsFlush else { return }
        needsFlush = false
        sendGathered(to: sink, flush: true)
    }

    /// `flush`: what was written before leaves now too.
    private func sendGathered(to sink: some UpstreamRequestSink, flush: Bool = false) {
        guard let buffer = gathered else {
            if flush { sink.flushWritten() }
            return
        }
        gathered = nil
        // Sent as it is now; once the channel and the replay copy let go of it, it is reused.
        if buffer.capacity <= ByteBuffer.recycledLimit { scratch = buffer }
        if !flush { needsFlush = true }
        sink.send(buffer, flush: flush)
    }

    /// The gathered bytes not sent yet (a replay on a fresh connection takes them); none held after.
    public func takeUnsent() -> ByteBuffer? {
        defer { gathered = nil }
        return gathered
    }

    /// A buffer for the next request's head (and a small body gathered after it).
    public func headBuffer(minimumCapacity: Int) -> ByteBuffer {
        ByteBuffer.recycled(&scratch, minimumCapacity: minimumCapacity)
    }
}
