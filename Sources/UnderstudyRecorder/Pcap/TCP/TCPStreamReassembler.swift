/// Puts one direction of a TCP connection back in order. An I/O-free state machine: feed it
/// segments in capture order, get back the stream as `.data` runs and `.gap`s.
///
/// ```swift
/// var stream = TCPStreamReassembler()
/// var events: [TCPStreamReassembler.Event] = []
/// stream.receive(segment, into: &events)   // for each segment of this direction
/// stream.flush(timestampMicros: now, into: &events)  // connection over: give up on holes
/// ```
///
/// - Sequence numbers are compared modulo 2³² (RFC 1982 serial arithmetic), so streams that wrap
///   around are reassembled like any other.
/// - Out-of-order segments wait in a buffer bounded by `maxBufferedBytes`; when it overflows, or
///   when the connection ends with holes, the reassembler skips the hole and reports a `.gap`
///   with its length. It never waits forever and never grows without bound.
/// - Overlaps and retransmissions: bytes already delivered win; of two buffered segments that
///   start at the same sequence number, the first to arrive wins. Later copies are counted in
///   `statistics.duplicateBytes` and dropped.
/// - Without a SYN (capture started mid-connection) the first segment that carries data anchors
///   the stream; `startedMidstream` says so.
/// - Payload cut by the capture's snap length becomes a `.gap` right after the captured part.
public struct TCPStreamReassembler: Sendable {
    public enum Event: Sendable, Equatable {
        /// In-order stream bytes, with the capture time of the segment that carried them.
        case data([UInt8], timestampMicros: Int64)
        /// `bytes` bytes of the stream are missing (lost before the capture, or cut by snaplen).
        case gap(bytes: Int, timestampMicros: Int64)
    }

    public struct Statistics: Sendable, Equatable {
        public var deliveredBytes = 0
        public var duplicateBytes = 0
        public var gapBytes = 0
        public var outOfOrderSegments = 0
        /// Segments too far ahead of the stream to be plausible (stale port reuse, garbage).
        public var outOfWindowSegments = 0
    }

    private struct Pending: Sendable {
        var sequence: UInt32
        var payload: [UInt8]
        var missing: Int
        var time: Int64
        var length: Int { payload.count + missing }
    }

    /// Most bytes held while waiting for a hole to fill.
    public let maxBufferedBytes: Int
    /// Segments further ahead than this are dropped rather than buffered.
    public let maxWindow: Int
    private var nextSequence: UInt32?
    private var finSequence: UInt32?
    private var pending: [Pending] = []
    private var pendingBytes = 0
    public private(set) var sawSYN = false
    public private(set) var startedMidstream = false
    /// The stream reached its FIN, was reset, or was flushed: later data is ignored.
    public private(set) var isFinished = false
    public private(set) var sawFIN = false
    public private(set) var statistics = Statistics()

    public init(maxBufferedBytes: Int = 8 << 20, maxWindow: Int = 1 << 28) {
        self.maxBufferedBytes = maxBufferedBytes
        self.maxWindow = maxWindow
    }

    /// True when bytes are waiting for a hole to fill.
    public var hasBufferedData: Bool { !pending.isEmpty }

    /// Takes one segment of this direction.
    public mutating func receive(_ segment: TCPSegment, into events: inout [Event]) {
        let length = segment.payload.count + segment.missingBytes
        if isFinished {
            statistics.duplicateBytes += length
            return
        }
        var dataSequence = segment.sequence
        if segment.flags.contains(.syn) {
            dataSequence &+= 1
            if nextSequence == nil {
                nextSequence = dataSequence
                sawSYN = true
            }
        }
        if nextSequence == nil {
            guard length > 0 else {
                if segment.flags.contains(.fin) { isFinished = true; sawFIN = true }
                return
            }
            nextSequence = dataSequence
            startedMidstream = true
        }
        if segment.flags.contains(.fin) { finSequence = dataSequence &+ UInt32(truncatingIfNeeded: length) }
        if length > 0 {
            let relative = offset(of: dataSequence)
            if relative + length <= 0 {
                statistics.duplicateBytes += length
            } else if relative <= 0 {
                deliver(payload: segment.payload, missing: segment.missingBytes, trim: -relative, time: segment.timestampMicros, into: &events)
                drain(into: &events)
            } else if relative > maxWindow {
                statistics.outOfWindowSegments += 1
            } else {
                statistics.outOfOrderSegments += 1
                insert(Pending(sequence: dataSequence, payload: segment.payload, missing: segment.missingBytes, time: segment.timestampMicros))
                while pendingBytes > maxBufferedBytes, let first = pending.first {
                    skipHole(to: first.sequence, time: segment.timestampMicros, into: &events)
                }
            }
        }
        checkFIN()
    }

    /// The connection was reset: nothing more will come in this direction.
    public mutating func reset(timestampMicros: Int64, into events: inout [Event]) {
        flush(timestampMicros: timestampMicros, into: &events)
    }

    /// Gives up on holes: delivers every buffered byte, with a `.gap` for each hole, and finishes.
    public mutating func flush(timestampMicros: Int64, into events: inout [Event]) {
        while let first = pending.first {
            skipHole(to: first.sequence, time: timestampMicros, into: &events)
        }
        isFinished = true
    }

    // MARK: - Internals

    /// Distance from the next expected byte, modulo 2³² (negative: already delivered).
    private func offset(of sequence: UInt32) -> Int {
        Int(Int32(bitPattern: sequence &- (nextSequence ?? sequence)))
    }

    private mutating func deliver(payload: [UInt8], missing: Int, trim: Int, time: Int64, into events: inout [Event]) {
        let skipCaptured = min(trim, payload.count)
        let available = payload.count - skipCaptured
        let missingPart = missing - min(missing, trim - skipCaptured)
        statistics.duplicateBytes += trim
        if available > 0 {
            events.append(.data(skipCaptured == 0 ? payload : Array(payload[skipCaptured...]), timestampMicros: time))
            statistics.deliveredBytes += available
        }
        if missingPart > 0 {
            events.append(.gap(bytes: missingPart, timestampMicros: time))
            statistics.gapBytes += missingPart
        }
        nextSequence = nextSequence.map { $0 &+ UInt32(truncatingIfNeeded: available + missingPart) }
    }

    private mutating func drain(into events: inout [Event]) {
        while let first = pending.first {
            let relative = offset(of: first.sequence)
            guard relative <= 0 else { return }
            pending.removeFirst()
            pendingBytes -= first.payload.count
            if relative + first.length <= 0 {
                statistics.duplicateBytes += first.length
            } else {
                deliver(payload: first.payload, missing: first.missing, trim: -relative, time: first.time, into: &events)
            }
        }
    }

    private mutating func skipHole(to sequence: UInt32, time: Int64, into events: inout [Event]) {
        let hole = offset(of: sequence)
        if hole > 0 {
            events.append(.gap(bytes: hole, timestampMicros: time))
            statistics.gapBytes += hole
            nextSequence = sequence
        }
        drain(into: &events)
    }

    /// Keeps `pending` sorted by distance from the next expected byte; equal starts keep arrival order.
    private mutating func insert(_ item: Pending) {
        let key = offset(of: item.sequence)
        var index = pending.count
        while index > 0 && offset(of: pending[index - 1].sequence) > key { index -= 1 }
        pending.insert(item, at: index)
        pendingBytes += item.payload.count
    }

    private mutating func checkFIN() {
        if let fin = finSequence, pending.isEmpty, offset(of: fin) <= 0 {
            isFinished = true
            sawFIN = true
        }
    }
}
