#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a stored line back into the full record, undoing the segment's line scheme: it
/// replaces each `{"$dup":"FRAME:OFFSET:LENGTH"}` by the bytes it points at and re-renders an
/// SSE body that was left out (README.md, "Line scheme").
struct LineDecoder {
    let scheme: String
    unowned let segment: SegmentReader
    private static let prefix = Array(#"{"v":1,"$dedup":{"refs":"#.utf8)

    init(scheme: String, segment: SegmentReader) {
        self.scheme = scheme
        self.segment = segment
    }

    /// Whether lines refer into earlier frames, so a scan must keep decoded frames.
    var needsFrames: Bool { scheme != LineScheme.plain.rawValue }

    mutating func decode(_ line: UnsafeBufferPointer<UInt8>, frameOffset: Int) throws -> Exchange {
        guard needsFrames, line.count > Self.prefix.count,
            memcmp(line.baseAddress!, Self.prefix, Self.prefix.count) == 0
        else { return try Exchange(jsonLine: line) }
        let (plain, derivedBody) = try resolve(line)
        var exchange = try Exchange(jsonLine: plain)
        if derivedBody, var response = exchange.response, let sse = response.sse {
            response.body = HTTPBody(bytes: SSERendering.render(sse))
            exchange.response = response
        }
        return exchange
    }

    /// The line with references replaced and the `$dedup` member removed, and whether the SSE
    /// body must be re-rendered.
    func resolve(_ line: UnsafeBufferPointer<UInt8>) throws -> ([UInt8], Bool) {
        var i = Self.prefix.count
        var refs = 0
        while i < line.count, (48...57).contains(line[i]) {
            refs = refs * 10 + Int(line[i] - 48)
            i += 1
        }
        let trueTail = Array(#","sse_body":true},"#.utf8)
        let falseTail = Array(#","sse_body":false},"#.utf8)
        func has(_ tail: [UInt8]) -> Bool {
            i + tail.count <= line.count && memcmp(line.baseAddress! + i, tail, tail.count) == 0
        }
        let derived: Bool
        if has(trueTail) {
            derived = true
            i += trueTail.count
        } else if has(falseTail) {
            derived = false
            i += falseTail.count
        } else {
            throw ArchiveError.invalid("malformed $dedup member at the start of a line")
        }
        var out: [UInt8] = Array(#"{"v":1,"#.utf8)
        out.reserveCapacity(line.count * 4)
        let raw = UnsafeRawBufferPointer(line)
        var copied = i
        var found = 0
        try LineEncoder.marker.withUnsafeBytes { marker in
            while found < refs, let hit = ByteSearch.find(marker, in: raw, from: copied) {
                out += line[copied..<hit]
                var j = hit + marker.count
                var numbers = [0, 0, 0]
                for k in 0..<3 {
                    let start = j
                    while j < line.count, (48...57).contains(line[j]) {
                        numbers[k] = numbers[k] * 10 + Int(line[j] - 48)
                        j += 1
                    }
                    let separator: UInt8 = k < 2 ? UInt8(ascii: ":") : UInt8(ascii: "\"")
                    guard j > start, j < line.count, line[j] == separator else {
                        throw ArchiveError.invalid("malformed reference at byte \(hit) of a line")
                    }
                    j += 1
                }
                guard j < line.count, line[j] == UInt8(ascii: "}") else {
                    throw ArchiveError.invalid("malformed reference at byte \(hit) of a line")
                }
                let (frame, offset, length) = (numbers[0], numbers[1], numbers[2])
                guard let decoded = segment.decodedFrame(at: frame), offset + length <= decoded.count else {
                    throw ArchiveError.invalid(
                        "a line refers to bytes \(offset)..<\(offset + length) of the frame at byte \(frame), which is missing or damaged")
                }
                out += decoded[offset..<(offset + length)]
                copied = j + 1
                found += 1
            }
        }
        guard found == refs else {
            throw ArchiveError.invalid("a line announces \(refs) references but holds \(found)")
        }
        out += line[copied...]
        return (out, derived)
    }
}
