import Foundation

/// Settings of an `ArchiveWriter`.
///
/// ```swift
/// let configuration = ArchiveWriterConfiguration(directory: URL(fileURLWithPath: "captures/prod"))
/// let writer = try ArchiveWriter(configuration: configuration)
/// ```
public struct ArchiveWriterConfiguration: Sendable {
    /// Where segments are written; created with mode 0700 when missing.
    public var directory: URL
    /// Records waiting for the writer thread; beyond this, `append` drops and counts.
    public var queueCapacity: Int
    /// A frame is written at the latest this long after its first record arrived (or, with
    /// `flushClock` `.exchangeEnd`, after its oldest exchange ended).
    public var flushInterval: Duration
    /// What `flushInterval` counts from.
    public var flushClock: FlushClock
    /// A frame is written once its lines reach this many bytes.
    public var flushBytes: Int
    /// A segment is closed and a new one started once its file reaches this size…
    public var rotateBytes: Int
    /// …or once it has been open this long.
    public var rotateAge: Duration
    /// zstd level of the data frames (with `adaptiveCompression`: when the writer keeps up).
    public var compressionLevel: Int
    /// Like `zstd --adapt`: while records back up in the writer's queue, frames are compressed at
    /// lower levels (3, then 1, then `minimumCompressionLevel`), cheaper per byte; once the queue
    /// drains, frames are back at `compressionLevel`. The level is a property of each frame, so
    /// readers need nothing. For live capture, where the queue's alternative is dropping records;
    /// off for batch tools, which wait for room instead.
    public var adaptiveCompression: Bool = false
    /// The lowest level `adaptiveCompression` goes down to (zstd accepts negative, faster levels).
    public var minimumCompressionLevel: Int = 1
    /// Names the writer in segment headers and file names (letters, digits, `-`, `_`).
    public var writerName: String
    /// Added to the writer thread's nice value (0–19): live capture runs it below the event
    /// loops so that compression never delays a request (`BackgroundThread`); 0 for batch tools.
    public var threadNiceness: Int = 0

    /// What the flush interval counts from.
    public enum FlushClock: Sendable {
        /// From when the record reached the writer: batch tools (import, repair, distill), whose
        /// records may have ended long ago and should still fill whole frames.
        case arrival
        /// From when the exchange's response ended (its timing): live capture. The record is built
        /// after the client already has its answer, and under load that takes time; counting from
        /// the end keeps "every exchange that ended more than one flush interval before a crash is
        /// on disk" true however long the hand-off took. The writer aims at three quarters of the
        /// interval, leaving the rest for its own wake-up and compression.
        case exchangeEnd
    }

    /// - Parameters:
    ///   - directory: where segments go.
    ///   - queueCapacity: bounded queue between producers and the writer thread, in records.
    ///   - flushInterval: the longest a record waits before its frame is written.
    ///   - flushBytes: frame size that triggers a write (bigger frames compress better).
    ///   - rotateBytes: segment file size that triggers rotation.
    ///   - rotateAge: segment age that triggers rotation.
    ///   - compressionLevel: zstd level of the frames; 6 is the measured sweet spot (README.md).
    ///   - writerName: recorded in each segment header.
    ///   - flushClock: what the flush interval counts from; `.exchangeEnd` for live capture.
    ///
    /// `threadNiceness`, `adaptiveCompression` and `minimumCompressionLevel` are set on the value.
    public init(
        directory: URL,
        queueCapacity: Int = 65_536,
        flushInterval: Duration = .milliseconds(200),
        flushBytes: Int = 1 << 20,
        rotateBytes: Int = 256 << 20,
        rotateAge: Duration = .seconds(3600),
        compressionLevel: Int = 6,
        writerName: String = "understudy",
        flushClock: FlushClock = .arrival
    ) {
        self.directory = directory
        self.queueCapacity = queueCapacity
        self.flushInterval = flushInterval
        self.flushBytes = flushBytes
        self.rotateBytes = rotateBytes
        self.rotateAge = rotateAge
        self.compressionLevel = compressionLevel
        self.writerName = writerName
        self.flushClock = flushClock
    }

    /// The level of the next frame when `backlogBytes` (an estimate: bodies plus 512 bytes per
    /// record) wait to be written: the configured level while less than two frames' worth
    /// waits, 3 below eight frames, 1 below 32, the minimum beyond. Never above the configured
    /// level, never below the minimum.
    public func frameLevel(backlogBytes: Int) -> Int {
        guard adaptiveCompression else { return compressionLevel }
        let frames = backlogBytes / max(1, flushBytes)
        let step: Int
        switch frames {
        case ..<2: step = compressionLevel
        case ..<8: step = 3
        case ..<32: step = 1
        default: step = minimumCompressionLevel
        }
        return max(min(step, compressionLevel), min(minimumCompressionLevel, compressionLevel))
    }
}

/// What an `ArchiveWriter` has done so far. `appended = written + dropped + queueDepth` plus
/// the records in the frame being filled.
public struct ArchiveWriterCounters: Sendable, Equatable {
    /// Records accepted by `append`.
    public var appended: Int = 0
    /// Records written to disk in complete frames.
    public var written: Int = 0
    /// Records lost: queue full, writer closed, or a failed write (disk full…).
    public var dropped: Int = 0
    /// Size of the written records as plain JSON lines.
    public var bytesRaw: Int = 0
    /// Bytes written to segment files (frames, headers and seek tables).
    public var bytesStored: Int = 0
    /// Records waiting in the queue.
    public var queueDepth: Int = 0
    /// Segments opened.
    public var segments: Int = 0
    /// Failed writes (each drops the records of one frame).
    public var writeErrors: Int = 0
    /// The last write error, for logs and the admin endpoint.
    public var lastError: String?
    /// The zstd level of the last frame written (nil before the first).
    public var lastFrameLevel: Int?
    /// Frames written below the configured level by adaptive compression.
    public var framesBelowLevel: Int = 0

    public init() {}
}
