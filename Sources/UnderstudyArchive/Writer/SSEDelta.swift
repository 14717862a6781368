/// The `sse_delta` form of SSE events in dedup lines. Streamed answers repeat the same event
/// JSON with only a token changed, so each event is stored as
/// `[t_ms, event, P, "middle", S]`: its data is the first P bytes of the previous event's data,
/// then `middle`, then the last S bytes of the previous event's data.
enum SSEDelta {
    /// Appends `,"sse_delta":[…]` and returns the length of the `,"sse":[…]` it replaces.
    static func write(_ events: [SSEEvent], to out: inout [UInt8]) -> Int {
        out += #","sse_delta":["#.utf8
        var plain = #","sse":["#.utf8.count + 1
        var previous: [UInt8] = []
        for (i, event) in events.enumerated() {
            if i > 0 {
                out.append(UInt8(ascii: ","))
                plain += 1
            }
            let data = Array(event.data.utf8)
            let (p, s) = split(data, previous)
            let ms = Exchange.formatMillis(event.tMs)
            out.append(UInt8(ascii: "["))
            out += ms.utf8
            out.append(UInt8(ascii: ","))
            if let name = event.event { JSONValue.writeString(name, to: &out) } else { out += "null".utf8 }
            out.append(UInt8(ascii: ","))
            out += String(p).utf8
            out.append(UInt8(ascii: ","))
            out.append(UInt8(ascii: "\""))
            data.withUnsafeBufferPointer {
                JSONValue.writeEscaped(UnsafeBufferPointer(rebasing: $0[p..<(data.count - s)]), to: &out)
            }
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: ","))
            out += String(s).utf8
            out.append(UInt8(ascii: "]"))
            plain += #"{"t_ms":,"event":,"data":}"#.utf8.count + ms.utf8.count + escapedLength(data) + 2
            plain += event.event.map { escapedLength(Array($0.utf8)) + 2 } ?? 4
            previous = data
        }
        out.append(UInt8(ascii: "]"))
        return plain
    }

    /// Common prefix and suffix lengths of `data` with `previous`, on UTF-8 character boundaries.
    static func split(_ data: [UInt8], _ previous: [UInt8]) -> (Int, Int) {
        let n = min(data.count, previous.count)
        var p = 0
        while p < n, data[p] == previous[p] { p += 1 }
        while p > 0, p < data.count, data[p] & 0xC0 == 0x80 { p -= 1 }
        var s = 0
        while s < n - p, data[data.count - 1 - s] == previous[previous.count - 1 - s] { s += 1 }
        while s > 0, data[data.count - s] & 0xC0 == 0x80 { s -= 1 }
        return (p, s)
    }

    /// Length of `bytes` written as a JSON string body (without quotes).
    static func escapedLength(_ bytes: [UInt8]) -> Int {
        var extra = 0
        for byte in bytes where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            switch byte {
            case 0x22, 0x5C, 0x0A, 0x0D, 0x09: extra += 1
            default: extra += 5
            }
        }
        return bytes.count + extra
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
