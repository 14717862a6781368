/// Turns a stored line back into the full record, undoing the segment's line scheme.
struct LineDecoder {
    let scheme: String
    unowned let segment: SegmentReader

    init(scheme: String, segment: SegmentReader) {
        self.scheme = scheme
        self.segment = segment
    }

    /// Whether lines refer into earlier frames, so a scan must keep decoded frames.
    var needsFrames: Bool { scheme != LineScheme.plain.rawValue }

    mutating func decode(_ line: UnsafeBufferPointer<UInt8>, frameOffset: Int) throws -> Exchange {
        try Exchange(jsonLine: line)
    }
}
