/// Walks the frames of a segment held in memory, without decoding them: an I/O-free state
/// machine that reports each frame's kind and byte range, a torn (incomplete) last frame, and
/// garbage between frames, after which it resynchronises on the next frame magic.
struct FrameScanner {
    enum Item: Equatable {
        /// A skippable frame; `payload` excludes the 8-byte frame header.
        case skippable(magic: UInt32, frame: Range<Int>, payload: Range<Int>)
        /// A complete zstd data frame (its checksum is verified only when it is decoded).
        case data(frame: Range<Int>)
        /// The file ends inside a frame that starts at `offset`.
        case torn(offset: Int)
        /// Bytes at `offset` are not a frame; scanning goes on at `resume` (nil: nothing more).
        case malformed(offset: Int, reason: String, resume: Int?)
    }

    private(set) var position: Int

    init(position: Int = 0) { self.position = position }

    mutating func next(in file: UnsafeRawBufferPointer) -> Item? {
        guard position < file.count else { return nil }
        let start = position
        let rest = UnsafeRawBufferPointer(rebasing: file[start...])
        guard rest.count >= 8 else {
            position = file.count
            return .torn(offset: start)
        }
        let magic = SegmentFormat.readLE32(rest, 0)
        if SegmentFormat.isSkippableMagic(magic) {
            let size = Int(SegmentFormat.readLE32(rest, 4))
            guard size <= rest.count - 8 else {
                position = file.count
                return .torn(offset: start)
            }
            position = start + 8 + size
            return .skippable(magic: magic, frame: start..<position, payload: (start + 8)..<position)
        }
        guard magic == SegmentFormat.zstdMagic else { return malformed(at: start, "no zstd frame starts here", file) }
        switch ZstdDecompressor.frameSize(rest) {
        case .success(let size):
            position = start + size
            return .data(frame: start..<position)
        case .failure(.truncated):
            position = file.count
            return .torn(offset: start)
        case .failure(.malformed(let reason)):
            return malformed(at: start, reason, file)
        }
    }

    /// Skips to the next offset where a complete frame parses.
    private mutating func malformed(at start: Int, _ reason: String, _ file: UnsafeRawBufferPointer) -> Item {
        var candidate = start + 1
        while candidate + 8 <= file.count {
            let magic = SegmentFormat.readLE32(file, candidate)
            if magic == SegmentFormat.zstdMagic,
                case .success = ZstdDecompressor.frameSize(UnsafeRawBufferPointer(rebasing: file[candidate...]))
            {
                break
            }
            if SegmentFormat.isSkippableMagic(magic),
                Int(SegmentFormat.readLE32(file, candidate + 4)) <= file.count - candidate - 8
            {
                break
            }
            candidate += 1
        }
        if candidate + 8 > file.count {
            position = file.count
            return .malformed(offset: start, reason: reason, resume: nil)
        }
        position = candidate
        return .malformed(offset: start, reason: reason, resume: candidate)
    }
}
