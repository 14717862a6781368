import Foundation

/// Writes Exchange records to segments in a directory from any number of producers.
///
/// `append` only puts the record on a bounded queue and never blocks or fails loudly: when the
/// queue is full, the writer is closed, or the disk refuses writes, records are dropped and
/// counted in `counters`. A dedicated thread encodes records into frames, writes a frame every
/// `flushInterval` or `flushBytes`, rotates segments by size and age, and fsyncs each segment
/// when it is closed. After a failed write it starts a new segment and carries on once writes
/// succeed again.
///
/// ```swift
/// let writer = try ArchiveWriter(configuration: .init(directory: URL(fileURLWithPath: "captures/prod")))
/// writer.append(exchange)          // from any thread or event loop
/// try writer.close()               // drains the queue, writes the seek table, fsyncs
/// ```
public final class ArchiveWriter: @unchecked Sendable {
    public let configuration: ArchiveWriterConfiguration
    let scheme: LineScheme

    // Shared between producers and the writer thread; guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [Exchange] = []
    private var queuedBytes = 0
    private var closing = false
    private var finished = false
    private var stats = ArchiveWriterCounters()
    private let done = DispatchSemaphore(value: 0)
    private var closeError: ArchiveError?

    // Owned by the writer thread.
    private var segment: SegmentWriter?
    private var frameDeadline: ContinuousClock.Instant?
    private var sequence = 0
    /// `queuedSize` of the records of the batch in hand not written yet: with what still waits
    /// in the queue, the backlog that adaptive compression reads.
    private var batchBytesLeft = 0

    /// Creates the directory (mode 0700) when needed and starts the writer thread. Segment files
    /// are created when the first record arrives.
    public convenience init(configuration: ArchiveWriterConfiguration) throws {
        try self.init(configuration: configuration, scheme: .dedup)
    }

    init(configuration: ArchiveWriterConfiguration, scheme: LineScheme) throws {
        self.configuration = configuration
        self.scheme = scheme
        let path = configuration.directory.path
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            try FileManager.default.createDirectory(
                at: configuration.directory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } else if !isDirectory.boolValue {
            throw ArchiveError.invalid("\(path) exists and is not a directory; give a directory for the archive")
        }
        guard access(path, W_OK) == 0 else { throw ArchiveError.io(path: path, operation: "write into", errno: errno) }
        let thread = Thread { [self] in run() }
        thread.name = "understudy-archive-writer"
        thread.start()
    }

    /// Queues a record for writing. Never blocks; returns false (and counts a drop) when the
    /// queue is full or the writer is closed.
    @discardableResult
    public func append(_ exchange: Exchange) -> Bool {
        enqueue(CollectionOfOne(exchange)) == 1
    }

    /// Queues records in one hand-off: one lock and at most one wake-up of the writer thread for
    /// the lot, where `append` per record woke it for the first and raced it for the rest (the
    /// recorder hands over its batches this way). Never blocks; returns how many were queued,
    /// the first ones; the rest are dropped and counted.
    @discardableResult
    public func append(contentsOf exchanges: [Exchange]) -> Int {
        enqueue(exchanges)
    }

    /// `append(contentsOf:)` that takes the records over when the queue is empty (usually so: the
    /// writer takes the whole queue each time it wakes): the arrays are swapped, so no record is
    /// copied (a copy retained, and the caller's array then released, every field of every record).
    /// Leaves `exchanges` empty, holding the queue's former storage for reuse.
    @discardableResult
    public func append(moving exchanges: inout [Exchange]) -> Int {
        condition.lock()
        guard !closing, queue.isEmpty, exchanges.count <= configuration.queueCapacity else {
            condition.unlock()
            defer { exchanges.removeAll(keepingCapacity: true) }
            return enqueue(exchanges)
        }
        defer { condition.unlock() }
        swap(&queue, &exchanges)
        return accountQueued(from: 0, wasEmpty: true, dropped: 0)
    }

    /// Both `append`s: as many of `exchanges` as the queue has room for, the rest counted as drops.
    private func enqueue<Records: Collection<Exchange>>(_ exchanges: Records) -> Int {
        condition.lock()
        defer { condition.unlock() }
        let taken = closing ? 0 : min(exchanges.count, max(0, configuration.queueCapacity - queue.count))
        let wasEmpty = queue.isEmpty
        let start = queue.count
        queue.append(contentsOf: exchanges.prefix(taken))
        return accountQueued(from: start, wasEmpty: wasEmpty, dropped: exchanges.count - taken)
    }

    /// Counts the records queued from `start` on (and `dropped` refused ones), and wakes the
    /// writer when the queue was empty (it may sleep without a deadline) or a frame's worth is
    /// waiting; otherwise it wakes by itself at the frame deadline. Called with the lock held.
    private func accountQueued(from start: Int, wasEmpty: Bool, dropped: Int) -> Int {
        let taken = queue.count - start
        for exchange in queue[start...] { queuedBytes += Self.queuedSize(exchange) }
        stats.appended += taken
        stats.dropped += dropped
        if taken > 0, wasEmpty || queuedBytes >= configuration.flushBytes { condition.signal() }
        return taken
    }

    /// What a queued record counts towards `flushBytes` (bodies and an allowance for the rest).
    private static func queuedSize(_ exchange: Exchange) -> Int {
        exchange.request.body.bytes.count + (exchange.response?.body.bytes.count ?? 0) + 512
    }

    /// Queues a record, waiting while the queue is full. For batch tools (`import`, `repair`,
    /// benchmarks) that must not lose records; the proxy uses `append`. Returns false only when
    /// the writer is closed.
    @discardableResult
    public func appendWaiting(_ exchange: Exchange) -> Bool {
        condition.lock()
        while !closing, queue.count >= configuration.queueCapacity { condition.wait() }
        condition.unlock()
        return append(exchange)
    }

    /// A snapshot of what the writer has done.
    public var counters: ArchiveWriterCounters {
        condition.lock()
        defer { condition.unlock() }
        var copy = stats
        copy.queueDepth = queue.count
        return copy
    }

    /// Drains the queue, writes the last frame and the seek table, fsyncs and stops the writer
    /// thread. Later calls return at once. Throws the error that lost records at close, if any.
    public func close() throws {
        condition.lock()
        let alreadyClosing = closing
        closing = true
        condition.signal()
        condition.unlock()
        if !alreadyClosing {
            done.wait()
        } else {
            condition.lock()
            while !finished { condition.wait() }
            condition.unlock()
        }
        condition.lock()
        let error = closeError
        condition.unlock()
        if let error { throw error }
    }

    deinit {
        condition.lock()
        let needsClose = !closing
        condition.unlock()
        if needsClose { try? close() }
    }

    // MARK: Writer thread

    private func run() {
        BackgroundThread.configureCurrent(name: "us-archive", niceness: configuration.threadNiceness)
        var batch: [Exchange] = []
        while true {
            condition.lock()
            while queue.isEmpty && !closing {
                if let deadline = frameDeadline ?? rotationDeadline() {
                    let remaining = ContinuousClock.now.duration(to: deadline)
                    if remaining <= .zero { break }
                    let seconds =
                        Double(remaining.components.seconds) + Double(remaining.components.attoseconds) * 1e-18
                    if !condition.wait(until: Date(timeIntervalSinceNow: seconds)) { break }
                } else {
                    condition.wait()
                }
            }
            swap(&batch, &queue)
            batchBytesLeft = queuedBytes
            queuedBytes = 0
            condition.broadcast()  // room in the queue for `appendWaiting`
            let isClosing = closing
            condition.unlock()

            let clocks = FlushClocks(reading: configuration)
            batch.withUnsafeMutableBufferPointer { batch in
                for i in batch.indices {
                    batchBytesLeft -= Self.queuedSize(batch[i])
                    // By address: `for exchange in batch` copied every record (a retain and a
                    // release per string and array in it) before writing it.
                    write(exclusive: &batch[i], clocks: clocks)
                }
            }
            batchBytesLeft = 0
            batch.removeAll(keepingCapacity: true)
            let now = ContinuousClock.now
            if let deadline = frameDeadline, now >= deadline { flushFrame() }
            if let segment, segment.fileSize >= configuration.rotateBytes { closeSegment() }
            if let segment, now - segment.openedAt >= configuration.rotateAge { closeSegment() }

            if isClosing {
                condition.lock()
                let empty = queue.isEmpty
                condition.unlock()
                if empty { break }
            }
        }
        closeSegment()
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
        done.signal()
    }

    private func rotationDeadline() -> ContinuousClock.Instant? {
        segment.map { $0.openedAt + configuration.rotateAge }
    }

    /// `inout` only so that the record is passed by address (nothing is changed).
    private func write(exclusive exchange: inout Exchange, clocks: FlushClocks) {
        if segment == nil { openSegment() }
        guard let segment else {
            count { $0.dropped += 1 }
            return
        }
        segment.append(exchange)
        let deadline = clocks.deadline(of: exchange.timing, configuration)
        if frameDeadline.map({ deadline < $0 }) ?? true { frameDeadline = deadline }
        if segment.bufferedBytes >= configuration.flushBytes {
            flushFrame()
            if let current = self.segment, current.fileSize >= configuration.rotateBytes { closeSegment() }
        }
    }

    /// The clocks a batch's flush deadlines count from, read once per batch: two clock reads
    /// and the `Duration` arithmetic (128-bit) per record were ~5% of the writer thread.
    private struct FlushClocks {
        /// Now, plus the aim (`flushInterval` or its three quarters, below).
        let aimFromNow: ContinuousClock.Instant
        /// Wall-clock now, in the microseconds of `Exchange.Timing`.
        let nowMicros: Int64

        init(reading configuration: ArchiveWriterConfiguration) {
            // Aim a quarter early for `.exchangeEnd`: waking the thread and compressing the frame
            // take time too, and on a busy machine (measured: 2 cores at load 6) that alone
            // overshot 200 ms by a few ms.
            let aim =
                configuration.flushClock == .exchangeEnd
                ? configuration.flushInterval * 3 / 4 : configuration.flushInterval
            aimFromNow = .now + aim
            nowMicros = Exchange.Timing.nowMicros()
        }

        /// When the frame holding this record must be on disk at the latest (see `FlushClock`).
        /// Both clocks were read at the same moment, so a record's deadline does not depend on
        /// how far into the batch it is written.
        func deadline(
            of timing: Exchange.Timing, _ configuration: ArchiveWriterConfiguration
        ) -> ContinuousClock.Instant {
            guard configuration.flushClock == .exchangeEnd else { return aimFromNow }
            let endedMicros = timing.startMicros + Int64((timing.endMs ?? 0) * 1000)
            let ageMicros = max(0, nowMicros - endedMicros)
            return ageMicros == 0 ? aimFromNow : aimFromNow - .microseconds(ageMicros)
        }
    }

    private func openSegment() {
        let name = Self.segmentName(writer: configuration.writerName, sequence: sequence)
        sequence += 1
        do {
            segment = try SegmentWriter(
                url: configuration.directory.appendingPathComponent(name), writer: configuration.writerName,
                level: Int32(configuration.compressionLevel), scheme: scheme)
            count {
                $0.segments += 1
                $0.bytesStored += segment?.fileSize ?? 0
            }
        } catch {
            segment = nil
            count {
                $0.writeErrors += 1
                $0.lastError = "\(error)"
            }
        }
    }

    private func flushFrame() {
        frameDeadline = nil
        guard let segment else { return }
        let pending = segment.bufferedRecords
        let level = frameLevel()
        do {
            let result = try segment.flushFrame(level: Int32(level))
            count {
                $0.lastFrameLevel = level
                if level < configuration.compressionLevel { $0.framesBelowLevel += 1 }
                $0.written += result.records
                $0.bytesRaw += result.raw
                $0.bytesStored += result.stored
            }
        } catch {
            // The frame's records are lost; the segment keeps its complete frames. Start a fresh
            // segment for what comes next so no line can refer to the lost frame.
            segment.abandon()
            self.segment = nil
            count {
                $0.dropped += pending
                $0.writeErrors += 1
                $0.lastError = "\(error)"
            }
        }
    }

    /// This frame's level: `ArchiveWriterConfiguration.frameLevel` of what waits behind it.
    private func frameLevel() -> Int {
        guard configuration.adaptiveCompression else { return configuration.compressionLevel }
        condition.lock()
        let waiting = queuedBytes
        condition.unlock()
        return configuration.frameLevel(backlogBytes: waiting + max(0, batchBytesLeft))
    }

    private func closeSegment() {
        guard let segment else { return }
        flushFrame()
        guard let current = self.segment, current === segment else { return }
        do {
            let stored = try segment.close()
            count { $0.bytesStored += stored }
        } catch {
            segment.abandon()
            count {
                $0.writeErrors += 1
                $0.lastError = "\(error)"
            }
            condition.lock()
            if closing { closeError = error }
            condition.unlock()
        }
        self.segment = nil
        frameDeadline = nil
    }

    private func count(_ update: (inout ArchiveWriterCounters) -> Void) {
        condition.lock()
        update(&stats)
        condition.unlock()
    }

    /// `20261126T164409.123456Z-<writer>-<pid>-<n>.jsonl.zst`: sorts by the time it was opened.
    static func segmentName(writer: String, sequence: Int) -> String {
        let stamp = RFC3339.format(micros: Exchange.Timing.nowMicros())
            .replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
        let safeWriter = String(writer.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        return "\(stamp)-\(safeWriter)-\(getpid())-\(sequence)\(SegmentFormat.fileExtension)"
    }
}
