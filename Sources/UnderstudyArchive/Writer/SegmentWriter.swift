import Foundation

/// Writes one segment file: the header, then frames of lines, then the seek table at close. Not
/// thread-safe: `ArchiveWriter`'s writer thread owns it (so do `repair` and `import`).
///
/// A failed write truncates the file back to the end of the last complete frame, so the file
/// stays a valid segment; the caller drops the frame's records and abandons the segment.
final class SegmentWriter {
    let url: URL
    private var fd: Int32
    /// End of the last frame written completely.
    private(set) var fileSize = 0
    private(set) var seekTable = SeekTable()
    private let compressor: ZstdCompressor
    private var encoder: LineEncoder
    let openedAt: ContinuousClock.Instant

    // The frame being filled.
    private var frame = LineBytes(capacity: 64 << 10)
    private var flushPoints: [Int] = []
    private var blockStart = 0
    private var entry = SeekTable.Entry(
        offset: 0, storedSize: 0, decodedSize: 0, rawSize: 0, records: 0, minID: "", maxID: "",
        minStartMicros: .max, maxStartMicros: .min)
    /// Where frames are compressed, kept between them (`ZstdCompressor.compressFrame`).
    private var output: [UInt8] = []

    var bufferedBytes: Int { frame.count }
    var bufferedRecords: Int { entry.records }
    var frameCount: Int { seekTable.entries.count }

    init(url: URL, writer: String, level: Int32, scheme: LineScheme) throws(ArchiveError) {
        self.url = url
        compressor = try ZstdCompressor(level: level)
        encoder = LineEncoder(scheme: scheme)
        openedAt = .now
        fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 { throw .io(path: url.path, operation: "create", errno: errno) }
        let header = SegmentHeader(writer: writer, createdMicros: Exchange.Timing.nowMicros(), scheme: scheme.rawValue)
        do {
            try writeAll(header.frame()[...])
        } catch {
            // deinit still runs for a class whose init throws after every property is set: without
            // fd = -1 it closed the number again, by then often reused by another socket (seen as
            // EBADF crashes in NIO when a full disk failed header writes).
            Glibc.close(fd)
            fd = -1
            unlink(url.path)
            throw error
        }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// Encodes a record into the current frame. Returns the size of its plain line (with newline).
    @discardableResult
    func append(_ exchange: Exchange) -> Int {
        let before = frame.count
        let raw = encoder.encode(exchange, frameOffset: fileSize, into: &frame)
        // End a zstd block before this line if it would carry the block past zstd's block size.
        if before - blockStart > 0, frame.count - blockStart > SegmentFormat.blockSize {
            flushPoints.append(before)
            blockStart = before
        }
        entry.records += 1
        entry.rawSize += raw
        if entry.minID.isEmpty || exchange.id < entry.minID { entry.minID = exchange.id }
        if exchange.id > entry.maxID { entry.maxID = exchange.id }
        entry.minStartMicros = min(entry.minStartMicros, exchange.timing.startMicros)
        entry.maxStartMicros = max(entry.maxStartMicros, exchange.timing.startMicros)
        return raw
    }

    /// Compresses and writes the current frame, at `level` when given (else the segment's). On
    /// failure the file is cut back to its last complete frame and the frame's records are lost
    /// (the error says so). Returns (records, raw bytes, stored bytes) written.
    @discardableResult
    func flushFrame(level: Int32? = nil) throws(ArchiveError) -> (records: Int, raw: Int, stored: Int) {
        guard entry.records > 0 else { return (0, 0, 0) }
        defer { resetFrame() }
        let stored = try frame.withBytes { (bytes) throws(ArchiveError) in
            try compressor.compressFrame(bytes, flushPoints: flushPoints, level: level, into: &output)
        }
        entry.offset = fileSize
        entry.storedSize = stored
        entry.decodedSize = frame.count
        try writeAll(output[..<stored])
        seekTable.entries.append(entry)
        return (entry.records, entry.rawSize, stored)
    }

    private func resetFrame() {
        frame.removeAll()
        flushPoints.removeAll(keepingCapacity: true)
        blockStart = 0
        entry = SeekTable.Entry(
            offset: 0, storedSize: 0, decodedSize: 0, rawSize: 0, records: 0, minID: "", maxID: "",
            minStartMicros: .max, maxStartMicros: .min)
    }

    /// Flushes, writes the seek table, fsyncs and closes. Returns the stored bytes written.
    func close() throws(ArchiveError) -> Int {
        guard fd >= 0 else { return 0 }
        defer {
            Glibc.close(fd)
            fd = -1
        }
        let before = fileSize
        try flushFrame()
        try writeAll(seekTable.frame()[...])
        if fsync(fd) != 0 { throw .io(path: url.path, operation: "fsync", errno: errno) }
        return fileSize - before
    }

    /// Closes without a seek table after a failure; the file keeps its complete frames.
    func abandon() {
        guard fd >= 0 else { return }
        _ = fsync(fd)
        Glibc.close(fd)
        fd = -1
    }

    private func writeAll(_ bytes: ArraySlice<UInt8>) throws(ArchiveError) {
        var written = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += n
            }
        }
        if failure != 0 {
            // Cut the partial frame so the file ends at a frame boundary again.
            _ = ftruncate(fd, off_t(fileSize))
            _ = lseek(fd, off_t(fileSize), SEEK_SET)
            throw .io(path: url.path, operation: "write", errno: failure)
        }
        fileSize += written
    }
}

#if canImport(Glibc)
    import Glibc
#endif
