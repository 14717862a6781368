import UnderstudyArchive

/// Writes server-sent events in the shape the LLM providers use: an optional `event:` line,
/// one `data:` line per line of data, and a blank line.
///
/// ```swift
/// SSEEncoder.encode(event: "message_stop", data: #"{"type":"message_stop"}"#)
/// // "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n" as bytes
/// ```
public enum SSEEncoder {
    /// One event as bytes. Data holding CR or LF is split over several `data:` lines, so that
    /// `SSEParser` gives back exactly `data`.
    public static func encode(event: String? = nil, data: String, id: String? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.utf8.count + 32)
        append(event: event, data: data, id: id, to: &out)
        return out
    }

    /// Appends one event to `out`.
    public static func append(event: String? = nil, data: String, id: String? = nil, to out: inout [UInt8]) {
        if let event {
            out.append(contentsOf: "event: ".utf8)
            out.append(contentsOf: event.utf8)
            out.append(0x0A)
        }
        if let id {
            out.append(contentsOf: "id: ".utf8)
            out.append(contentsOf: id.utf8)
            out.append(0x0A)
        }
        var lineStart = true
        var afterCR = false
        for byte in data.utf8 {
            if afterCR {
                afterCR = false
                if byte == 0x0A { continue }
            }
            if lineStart {
                out.append(contentsOf: "data: ".utf8)
                lineStart = false
            }
            switch byte {
            case 0x0A:
                out.append(0x0A)
                lineStart = true
            case 0x0D:
                out.append(0x0A)
                lineStart = true
                afterCR = true
            default:
                out.append(byte)
            }
        }
        // Empty data, or data ending in a line break, still needs its last (empty) data line.
        if lineStart { out.append(contentsOf: "data: ".utf8) }
        out.append(contentsOf: [0x0A, 0x0A])
    }

    /// A whole stream of recorded events (for example to replay a cassette).
    public static func encode(_ events: [SSEEvent]) -> [UInt8] {
        var out: [UInt8] = []
        for event in events { append(event: event.event, data: event.data, to: &out) }
        return out
    }

    /// A comment line (`: text`), which clients ignore; used as a keep-alive.
    public static func comment(_ text: String = "") -> [UInt8] {
        Array(": \(text)\n\n".utf8)
    }
}
