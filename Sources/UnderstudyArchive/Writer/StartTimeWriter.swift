/// Writes a record's quoted start time (`RFC3339.writeQuoted`) for the archive writer, keeping
/// the bytes of the last second it wrote (`"YYYY-MM-DDTHH:MM:SS.`): records arrive in time order,
/// so at any real rate nearly every record shares its second with the one before, and only the
/// six fraction digits are new. Formatting the date from scratch (the civil-calendar divisions and
/// a digit per `append`) was 0.22% of the proxy's samples at max load, 0.10% with the kept second
/// (MEASUREMENTS.md, twelfth session, engineer "json2").
/// One per `LineEncoder`, used only by its writer thread.
struct StartTimeWriter {
    private var cachedSecond = Int64.min
    /// The opening quote and `YYYY-MM-DDTHH:MM:SS.` of `cachedSecond`.
    private var secondPrefix: [UInt8] = []
    private static let prefixLength = 21

    mutating func writeQuoted(micros: Int64, to out: inout LineBytes) {
        let second = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        if second != cachedSecond {
            var full: [UInt8] = []
            RFC3339.writeQuoted(micros: second * 1_000_000, to: &full)
            // A prefix of any other length (years outside 0...9999 in `RFC3339.format`'s longer
            // form): written whole, not kept.
            guard full.count == Self.prefixLength + 8 else {
                full.removeAll()
                RFC3339.writeQuoted(micros: micros, to: &full)
                out.append(contentsOf: full)
                return
            }
            secondPrefix = Array(full.prefix(Self.prefixLength))
            cachedSecond = second
        }
        out.append(contentsOf: secondPrefix)
        let fraction = UInt32(micros - second * 1_000_000)  // 0..<1_000_000
        out.append(UInt8(ascii: "0") + UInt8(fraction / 100_000))
        out.append(UInt8(ascii: "0") + UInt8(fraction / 10_000 % 10))
        out.append(UInt8(ascii: "0") + UInt8(fraction / 1_000 % 10))
        out.append(UInt8(ascii: "0") + UInt8(fraction / 100 % 10))
        out.append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        out.append(UInt8(ascii: "0") + UInt8(fraction % 10))
        out.append(literal: "Z\"")
    }
}
