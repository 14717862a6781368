import CZstd

/// Owns a zstd decompression context; decodes single frames and verifies their checksums.
final class ZstdDecompressor {
    private let context: OpaquePointer

    init() throws(ArchiveError) {
        guard let context = ZSTD_createDCtx() else {
            throw .zstd(operation: "create context", message: "out of memory")
        }
        self.context = context
    }

    deinit { ZSTD_freeDCtx(context) }

    /// The size of the complete zstd frame (data or skippable) at the start of `bytes`, or the
    /// zstd error name when it is incomplete or malformed.
    static func frameSize(_ bytes: UnsafeRawBufferPointer) -> Result<Int, FrameSizeError> {
        guard bytes.count >= 4 else { return .failure(.truncated) }
        let size = ZSTD_findFrameCompressedSize(bytes.baseAddress, bytes.count)
        if ZSTD_isError(size) != 0 {
            return .failure(
                ZSTD_getErrorCode(size) == ZSTD_error_srcSize_wrong
                    ? .truncated : .malformed(String(cString: ZSTD_getErrorName(size))))
        }
        return .success(size)
    }

    enum FrameSizeError: Error, Equatable {
        case truncated
        case malformed(String)
    }

    /// Decodes the single frame `frame` (exactly one whole frame), replacing `output`'s contents.
    /// A checksum mismatch or any corruption throws.
    func decompressFrame(_ frame: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(ArchiveError) {
        let contentSize = ZSTD_getFrameContentSize(frame.baseAddress, frame.count)
        if contentSize == ZSTD_CONTENTSIZE_ERROR {
            throw .zstd(operation: "decompress", message: "not a zstd frame")
        }
        if contentSize != ZSTD_CONTENTSIZE_UNKNOWN {
            guard contentSize < 1 << 32 else { throw .zstd(operation: "decompress", message: "frame too large") }
            let size = Int(contentSize)
            if output.count != size {
                output.removeAll(keepingCapacity: true)
                output.append(contentsOf: repeatElement(0, count: size))
            }
            let result = output.withUnsafeMutableBytes { dst in
                ZSTD_decompressDCtx(context, dst.baseAddress, size, frame.baseAddress, frame.count)
            }
            if ZSTD_isError(result) != 0 {
                throw .zstd(operation: "decompress", message: String(cString: ZSTD_getErrorName(result)))
            }
            if result != size { throw .zstd(operation: "decompress", message: "frame is shorter than its header says") }
            return
        }
        // Streaming frames without a recorded size (not written by us, but valid zstd).
        output.removeAll(keepingCapacity: true)
        ZSTD_DCtx_reset(context, ZSTD_reset_session_only)
        var inBuf = ZSTD_inBuffer(src: frame.baseAddress, size: frame.count, pos: 0)
        var chunk = [UInt8](repeating: 0, count: 1 << 17)
        while true {
            var produced = 0
            let remaining = chunk.withUnsafeMutableBytes { dst in
                var out = ZSTD_outBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
                let r = ZSTD_decompressStream(context, &out, &inBuf)
                produced = out.pos
                return r
            }
            if ZSTD_isError(remaining) != 0 {
                throw .zstd(operation: "decompress", message: String(cString: ZSTD_getErrorName(remaining)))
            }
            output += chunk[0..<produced]
            if remaining == 0 { return }
            if inBuf.pos == inBuf.size && produced == 0 {
                throw .zstd(operation: "decompress", message: "frame ends early")
            }
        }
    }
}
