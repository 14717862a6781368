import CZstd

/// Owns a zstd compression context and turns a buffer of JSON lines into one zstd frame with a
/// content checksum. Blocks end at the given line boundaries (see `SegmentFormat.blockSize`).
/// Public for its tests (the in-place fallback); the writer is its only user.
public final class ZstdCompressor {
    private let context: OpaquePointer
    /// The level of the next frame; frames are independent, so it may change between them.
    private(set) var level: Int32

    /// Whether zstd reads the frame's lines and writes its output in place (`stableBuffers`
    /// accepted); otherwise it copies them through its own buffers, as before zstd 1.4.4.
    public private(set) var inPlace = false

    /// `stableBuffers`: the numbers of the parameters that keep zstd's buffers in place; tests
    /// pass one libzstd refuses, to take the path of a libzstd older than 1.4.4.
    public init(
        level: Int32, windowLog: Int32 = 0, stableBuffers: [UInt32] = ZstdCompressor.stableBufferParameters
    ) throws(ArchiveError) {
        guard let context = ZSTD_createCCtx() else {
            throw .zstd(operation: "create context", message: "out of memory")
        }
        self.context = context
        self.level = level
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level), "set level")
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1), "enable checksums")
        if windowLog > 0 { try check(ZSTD_CCtx_setParameter(context, ZSTD_c_windowLog, windowLog), "set window") }
        // The whole frame's input lies in one buffer that stays put until the frame is done, and
        // the output goes to one buffer of zstd's bound: zstd reads and writes them in place
        // instead of copying the input into its window buffer and the output out of its own
        // (those copies were ~6% of the archive thread at max JSON load). Best effort: a libzstd
        // older than 1.4.4 refuses these parameters, and then copies as it always did.
        let parameters = stableBuffers.map(ZSTD_cParameter.init(rawValue:))
        inPlace = parameters.allSatisfy { ZSTD_isError(ZSTD_CCtx_setParameter(context, $0, 1)) == 0 }
        if !inPlace { for parameter in parameters { _ = ZSTD_CCtx_setParameter(context, parameter, 0) } }
    }

    deinit { ZSTD_freeCCtx(context) }

    /// zstd.h's `ZSTD_c_stableInBuffer` and `ZSTD_c_stableOutBuffer` (since zstd 1.4.4), macros
    /// for these experimental parameters that Swift does not import.
    public static let stableBufferParameters = [ZSTD_c_experimentalParam9.rawValue, ZSTD_c_experimentalParam10.rawValue]

    private func check(_ code: Int, _ operation: String) throws(ArchiveError) {
        if ZSTD_isError(code) != 0 {
            throw .zstd(operation: operation, message: String(cString: ZSTD_getErrorName(code)))
        }
    }

    /// Compresses `input` into one frame at the start of `scratch`; returns the frame's length
    /// (the bytes after it are left over). `scratch` is grown to zstd's bound when it is smaller
    /// and otherwise reused as it is: keep it between frames, so its bytes are not zeroed again
    /// for every frame (that was ~7% of the archive thread). `flushPoints` are ascending offsets
    /// into `input` at which a block must end. `level`: this frame's level (nil: as before).
    public func compressFrame(
        _ input: UnsafeBufferPointer<UInt8>, flushPoints: [Int], level: Int32? = nil, into scratch: inout [UInt8]
    ) throws(ArchiveError) -> Int {
        ZSTD_CCtx_reset(context, ZSTD_reset_session_only)
        if let level, level != self.level {
            try check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level), "set level")
            self.level = level
        }
        try check(ZSTD_CCtx_setPledgedSrcSize(context, UInt64(input.count)), "set frame size")
        let bound = ZSTD_compressBound(input.count) + 64 + flushPoints.count * 8
        if scratch.count < bound { scratch.append(contentsOf: repeatElement(0, count: bound - scratch.count)) }
        let room = scratch.count
        var written = 0
        var failure: ArchiveError?
        let src = UnsafeRawBufferPointer(input)
        scratch.withUnsafeMutableBytes { dst in
            var out = ZSTD_outBuffer(dst: dst.baseAddress!, size: room, pos: 0)
            // One input buffer for the whole frame (`ZSTD_c_stableInBuffer`): the same start,
            // its size grown to each flush point, its position moved by zstd alone.
            var inBuf = ZSTD_inBuffer(src: src.baseAddress, size: 0, pos: 0)
            var consumed = 0
            var points = flushPoints
            if points.last != input.count { points.append(input.count) }
            for (i, point) in points.enumerated() where point > consumed || i == points.count - 1 {
                let last = i == points.count - 1
                inBuf.size = point
                while true {
                    let remaining = ZSTD_compressStream2(context, &out, &inBuf, last ? ZSTD_e_end : ZSTD_e_flush)
                    if ZSTD_isError(remaining) != 0 {
                        failure = .zstd(
                            operation: "compress", message: String(cString: ZSTD_getErrorName(remaining)))
                        return
                    }
                    if remaining == 0 && inBuf.pos == inBuf.size { break }
                }
                consumed = point
            }
            written = out.pos
        }
        if let failure { throw failure }
        return written
    }
}
