/// Which line form a segment's frames hold; recorded in the segment header.
enum LineScheme: String, Sendable {
    /// Each record is `Exchange.jsonLine()`.
    case plain
}

/// Turns records into the lines of a segment. Per-segment state lives here.
struct LineEncoder {
    let scheme: LineScheme

    init(scheme: LineScheme) { self.scheme = scheme }

    /// Appends the record's line and a newline to `frame`; returns the size of the plain line
    /// with its newline (what `zstdcat` of a plain archive would show).
    mutating func encode(_ exchange: Exchange, frameIndex: Int, into frame: inout [UInt8]) -> Int {
        let line = exchange.jsonLine()
        frame += line
        frame.append(0x0A)
        return line.count + 1
    }
}
