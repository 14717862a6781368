/// The `sse_delta` form of SSE events in dedup lines. Streamed answers repeat the same event
/// JSON with only a token changed, so each event is stored as
/// `[t_ms, event, P, "middle", S]`: its data is the first P bytes of the previous event's data,
/// then `middle`, then the last S bytes of the previous event's data.
enum SSEDelta {
    /// Appends `,"sse_delta":[…]` and returns the length of the `,"sse":[…]` it replaces.
    static func write(_ events: [SSEEvent], to out: inout LineBytes) -> Int {
        out.append(literal: #","sse_delta":["#)
        var plain = #","sse":["#.utf8.count + 1
        // Each event's data is read in place (`withUTF8` on a native string copies nothing).
        var previous = ""
        // The previous data's length written as a JSON string body. Escaping goes byte by byte,
        // so an event's escaped length is the previous one's less that of the previous event's
        // middle (what lies between the shared prefix and suffix) plus that of its own: only the
        // changed bytes are counted, not every event's whole data again.
        var previousEscaped = 0
        for (i, event) in events.enumerated() {
            if i > 0 {
                out.append(UInt8(ascii: ","))
                plain += 1
            }
            var data = event.data
            out.append(UInt8(ascii: "["))
            let msStart = out.count
            Exchange.writeMillis(event.tMs, to: &out)
            let msLength = out.count - msStart
            out.append(UInt8(ascii: ","))
            if let name = event.event { JSONValue.writeString(name, into: &out) } else { out.append(literal: "null") }
            out.append(UInt8(ascii: ","))
            let dataLength = data.withUTF8 { data in
                previous.withUTF8 { previous in
                    let (p, s) = SharedEnds.split(data, previous)
                    Exchange.writeInteger(p, to: &out)
                    out.append(UInt8(ascii: ","))
                    out.append(UInt8(ascii: "\""))
                    let middleStart = out.count
                    writeEscapedMiddle(UnsafeBufferPointer(rebasing: data[p..<(data.count - s)]), to: &out)
                    let middleEscaped = out.count - middleStart  // what `escapedLength` gives for it
                    out.append(UInt8(ascii: "\""))
                    out.append(UInt8(ascii: ","))
                    Exchange.writeInteger(s, to: &out)
                    let previousMiddle = UnsafeBufferPointer(rebasing: previous[p..<(previous.count - s)])
                    return previousEscaped - escapedLength(previousMiddle) + middleEscaped
                }
            }
            previousEscaped = dataLength
            out.append(UInt8(ascii: "]"))
            plain += #"{"t_ms":,"event":,"data":}"#.utf8.count + msLength + dataLength + 2
            if var name = event.event {
                plain += name.withUTF8 { escapedLength($0) } + 2
            } else {
                plain += 4
            }
            previous = event.data
        }
        out.append(UInt8(ascii: "]"))
        return plain
    }

    /// `JSONValue.writeEscaped` for an event's changed middle. A padded chunk's middle (from
    /// its token to its `obfuscation` value, ~65 bytes) holds a dozen quotes, and the general
    /// writer paid a copy call and two appends per quote (~6% of the recording threads on padded
    /// streams). Text of up to `shortMiddle` bytes without control bytes is written in one pass
    /// into reserved room instead: each byte goes after a backslash that it overwrites unless it
    /// is a quote or a backslash (no branch per byte). Same bytes out as the general writer.
    static func writeEscapedMiddle(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout LineBytes) {
        guard let base = bytes.baseAddress, bytes.count <= shortMiddle, !hasControlByte(bytes) else {
            JSONValue.writeEscaped(bytes, to: &out)
            return
        }
        out.write(upTo: 2 * bytes.count) { at in
            var written = 0
            for byte in UnsafeBufferPointer(start: base, count: bytes.count) {
                let escaped = byte == 0x22 || byte == 0x5C ? 1 : 0
                at[written] = 0x5C
                at[written &+ escaped] = byte
                written &+= 1 &+ escaped
            }
            return written
        }
    }

    /// The longest middle `writeEscapedMiddle` writes in its one pass (longer ones are mostly
    /// plain runs, which the general writer copies in bulk).
    static var shortMiddle: Int { 256 }

    /// Whether `bytes` hold a byte below 0x20 (written as `\n`, `\u0001`, …), eight per step.
    static func hasControlByte(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var i = 0
        var control: UInt64 = 0
        while i + 8 <= bytes.count {
            control |= SWARBytes.control(SWARBytes.load(base, i))
            i += 8
        }
        while i < bytes.count {
            if bytes[i] < 0x20 { return true }
            i += 1
        }
        return control != 0
    }

    /// Length of `bytes` written as a JSON string body (without quotes). Event data are JSON, full
    /// of quotes, so this counts quotes and backslashes eight bytes per step (SWAR, exact per
    /// byte) rather than stopping at each; a word holding a control byte is counted byte by byte.
    static func escapedLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var extra = 0
        var i = 0
        let count = bytes.count
        if let base = bytes.baseAddress {
            while i + 8 <= count {
                let w = SWARBytes.load(base, i)
                if SWARBytes.control(w) != 0 { break }
                extra += (SWARBytes.equal(w, 0x22) | SWARBytes.equal(w, 0x5C)).nonzeroBitCount
                i += 8
            }
        }
        while i < count {
            switch bytes[i] {
            case 0x22, 0x5C, 0x0A, 0x0D, 0x09: extra += 1
            case ..<0x20: extra += 5
            default: break
            }
            i += 1
        }
        return count + extra
    }

    /// Rebuilds the events from the `sse_delta` array at the cursor.
    static func read(_ cursor: inout JSONCursor) throws -> [SSEEvent] {
        var events: [SSEEvent] = []
        var previous: [UInt8] = []
        var failure: String?
        try cursor.forEachElement { (c) throws(JSONParseError) in
            let row = try c.parseValue()
            guard let items = row.arrayValue, items.count == 5, let ms = items[0].doubleValue,
                let p = items[2].intValue, let middle = items[3].stringValue, let s = items[4].intValue,
                p >= 0, s >= 0, p + s <= previous.count
            else {
                failure = "malformed sse_delta entry \(events.count)"
                throw c.error("malformed sse_delta entry")
            }
            let data = Array(previous[0..<p]) + Array(middle.utf8) + Array(previous[(previous.count - s)...])
            events.append(SSEEvent(tMs: ms, event: items[1].stringValue, data: String(decoding: data, as: UTF8.self)))
            previous = data
        }
        if let failure { throw JSONParseError(offset: cursor.position, reason: failure) }
        return events
    }
}
