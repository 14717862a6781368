import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import UnderstudyArchive

/// The one path from a captured exchange to the archive, shared by every capture mode (reverse
/// proxy now; forward proxy and pcap import reuse it): a bounded queue, a worker thread that
/// redacts, parses SSE, interprets the LLM call and hands the `Exchange` to the sink.
///
/// `submit` never blocks and never fails the caller: when the queue is full or the sink refuses,
/// the exchange is dropped, counted, and the drop logged at most once per interval.
///
/// ```swift
/// let recorder = ExchangeRecorder(sink: writer, redactor: redactor, metrics: metrics, logger: logger)
/// recorder.submit(captured)          // from any thread
/// recorder.close()                   // drains the queue
/// ```
public final class ExchangeRecorder: Sendable {
    private let sink: any ExchangeSink
    private let redactor: HeaderRedactor
    private let metrics: RecorderMetrics?
    private let logger: Logger
    private let capacity: Int
    private let dropLogIntervalNanos: Int64
    private let batchDelaySeconds: TimeInterval
    private let niceness: Int
    private let state: NIOLockedValueBox<QueueState>
    private let condition = NSCondition()
    private let counterBox = NIOLockedValueBox(Counters())
    private let finished = NIOLockedValueBox(false)

    private struct QueueState {
        var items: [CapturedExchange] = []
        var head = 0
        var closing = false
        var count: Int { items.count - head }
    }

    /// What happened to submitted exchanges so far.
    public struct Counters: Sendable, Equatable {
        public var submitted = 0
        public var written = 0
        public var dropped = 0
        var lastDropLogNanos: Int64 = .min
        var dropsSinceLog = 0
    }

    /// - Parameters:
    ///   - capacity: exchanges waiting for the worker before new ones are dropped.
    ///   - dropLogInterval: at most one "records dropped" log line per this many seconds.
    ///   - batchDelay: how long the worker lets exchanges gather after the first one wakes it.
    ///     2 ms: 10 ms cut the recording threads' CPU (at 2000 JSON requests/s 26 → 15 µs per
    ///     request, at max 11 → 10) but added latency to streams at 2000/s, +0.25 → +0.61 ms p50
    ///     over direct in 3 of 3 alternated pairs: a longer gather makes a longer burst of
    ///     recording work that competes with the event loop for the cores (MEASUREMENTS.md,
    ///     twelfth session, the lead's final entry).
    public convenience init(
        sink: any ExchangeSink, redactor: HeaderRedactor, metrics: RecorderMetrics? = nil,
        logger: Logger = Logger(label: "understudy.recorder"), capacity: Int = 16384, dropLogInterval: Double = 10,
        batchDelay: Duration = .milliseconds(2)
    ) {
        self.init(
            sink: sink, redactor: redactor, metrics: metrics, logger: logger, capacity: capacity,
            dropLogInterval: dropLogInterval, batchDelay: batchDelay, niceness: 0)
    }

    /// As above, with `niceness`: how much nicer than the process the worker thread runs
    /// (0–19), so that the event loops preempt it (`BackgroundThread`); the queue absorbs what
    /// it defers.
    public init(
        sink: any ExchangeSink, redactor: HeaderRedactor, metrics: RecorderMetrics?,
        logger: Logger, capacity: Int = 16384, dropLogInterval: Double = 10,
        batchDelay: Duration = .milliseconds(2), niceness: Int
    ) {
        self.sink = sink
        self.redactor = redactor
        self.metrics = metrics
        self.logger = logger
        self.capacity = capacity
        self.dropLogIntervalNanos = Int64(dropLogInterval * 1e9)
        self.batchDelaySeconds = max(0, batchDelay / .seconds(1))
        self.niceness = niceness
        self.state = NIOLockedValueBox(QueueState())
        let thread = Thread { [self] in self.run() }
        thread.name = "understudy-recorder"
        thread.start()
    }

    public var counters: Counters { counterBox.withLockedValue { $0 } }

    /// Queues a finished exchange for recording. Never blocks. `consuming`, and moved into the
    /// queue through an optional: appending a borrowed exchange copied it (a retain and release
    /// per string and array in it, on the event loop, per request).
    public func submit(_ captured: consuming CapturedExchange) {
        counterBox.withLockedValue { $0.submitted += 1 }
        var pending: CapturedExchange? = consume captured
        let (accepted, wasEmpty) = state.withLockedValue { state -> (Bool, Bool) in
            guard !state.closing, state.count < capacity else { return (false, false) }
            state.items.append(pending.take()!)
            return (true, state.count == 1)
        }
        guard accepted else {
            dropped(reason: "the recording queue is full (\(capacity) exchanges waiting)")
            return
        }
        // Only the first exchange of a batch wakes the worker: it checks the queue before every
        // wait, so later ones are picked up without a wake-up (a futex call and a context switch
        // per request would otherwise compete with the event loops).
        guard wasEmpty else { return }
        condition.lock()
        condition.signal()
        condition.unlock()
    }

    /// Stops taking exchanges, waits until every queued one reached the sink, returns the counters.
    @discardableResult
    public func close() -> Counters {
        state.withLockedValue { $0.closing = true }
        condition.lock()
        condition.broadcast()
        while !finished.withLockedValue({ $0 }) { _ = condition.wait(until: Date().addingTimeInterval(0.05)) }
        condition.unlock()
        return counters
    }

    private func run() {
        BackgroundThread.configureCurrent(name: "us-recorder", niceness: niceness)
        var batch: [CapturedExchange] = []
        while true {
            var closing = false
            condition.lock()
            while true {
                closing = state.withLockedValue { state in
                    // Swap the buffers: the batch takes the queued exchanges without copying
                    // them, and the queue reuses the previous batch's capacity.
                    if state.head > 0 { state.items.removeFirst(state.head) }
                    swap(&batch, &state.items)
                    state.head = 0
                    return state.closing
                }
                if !batch.isEmpty || closing { break }
                condition.wait()
                // Woken by the first exchange after a quiet spell: let a batch gather, so under
                // load the worker wakes at most ~100 times a second, not once per request.
                gatherBatch()
            }
            condition.unlock()
            metrics?.queueDepth.record(batch.count)
            // Handed to the sink in slices: one lock and one wake-up of the writer per slice, and
            // small enough that no record waits long for the others (its flush deadline counts
            // from the exchange's end).
            var written = 0
            var slice: [Exchange] = []
            slice.reserveCapacity(Self.handOffSlice)
            batch.withUnsafeMutableBufferPointer { batch in
                for i in batch.indices {
                    // Passed by address, exclusively: an exchange read from the buffer and passed
                    // borrowed was copied first (memcpy, then every field retained and released),
                    // as nothing told the compiler the memory stays unchanged during the call.
                    slice.append(ExchangeRecorder.makeExchange(exclusive: &batch[i], redactor: redactor))
                    guard slice.count == Self.handOffSlice || i == batch.count - 1 else { continue }
                    let handed = slice.count
                    let accepted = sink.append(moving: &slice)  // taken over, not copied, when it can be
                    written += accepted
                    if accepted < handed {
                        dropped(
                            handed - accepted,
                            reason: "the archive writer refused the record (queue full or write error)")
                    }
                    slice.reserveCapacity(Self.handOffSlice)
                }
            }
            // Counted once per batch: a lock and a metric update per record cost more than the count.
            if written > 0 {
                counterBox.withLockedValue { $0.written += written }
                metrics?.recordsWritten.increment(by: Int64(written))
            }
            batch.removeAll(keepingCapacity: true)  // outside the lock: freeing the bodies takes time
            metrics?.queueDepth.record(0)
            if closing && state.withLockedValue({ $0.count == 0 }) {
                finished.withLockedValue { $0 = true }
                condition.lock()
                condition.broadcast()
                condition.unlock()
                return
            }
        }
    }

    /// Waits, holding `condition`, until the batch delay has passed or `close()` was called.
    /// A timed wait rather than a sleep, so that `close()`'s broadcast ends it at once. Nothing
    /// else wakes it: `submit` signals only when the queue was empty, and it is not (the first
    /// exchange woke the worker); a spurious or early wake-up just waits again until the deadline.
    private func gatherBatch() {
        guard batchDelaySeconds > 0 else { return }
        let deadline = Date().addingTimeInterval(batchDelaySeconds)
        while !state.withLockedValue({ $0.closing }), condition.wait(until: deadline) {}
    }

    /// Exchanges handed to the sink at once.
    static let handOffSlice = 64

    private func dropped(_ count: Int = 1, reason: String) {
        metrics?.recordsDropped.increment(by: Int64(count))
        let now = NIODeadline.now().uptimeNanoseconds
        let report: Int? = counterBox.withLockedValue { c in
            c.dropped += count
            c.dropsSinceLog += count
            guard c.lastDropLogNanos == .min || Int64(now) - c.lastDropLogNanos >= dropLogIntervalNanos else { return nil }
            c.lastDropLogNanos = Int64(now)
            defer { c.dropsSinceLog = 0 }
            return c.dropsSinceLog
        }
        if let report {
            logger.error("records dropped; requests were still served", metadata: [
                "dropped": "\(report)", "reason": "\(reason)",
            ])
        }
    }
}
