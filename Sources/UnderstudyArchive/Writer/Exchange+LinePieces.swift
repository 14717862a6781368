/// The parts of `Exchange.jsonLine()` that `LineEncoder` writes around the pieces it changes.
/// They produce exactly the bytes `jsonLine()` does (a test checks plain lines against it).
extension Exchange {
    /// From `,"capture":` up to the request headers (inclusive).
    static func writeRecordHead(_ e: Exchange, to out: inout [UInt8]) {
        out += #","capture":"#.utf8
        e.capture.jsonValue.write(to: &out)
        out += #","t":{"start":"#.utf8
        JSONValue.writeString(RFC3339.format(micros: e.timing.startMicros), to: &out)
        out += #","first_byte_ms":"#.utf8
        out += formatMillis(e.timing.firstByteMs).utf8
        out += #","end_ms":"#.utf8
        out += formatMillis(e.timing.endMs).utf8
        out += #"},"request":{"method":"#.utf8
        JSONValue.writeString(e.request.method, to: &out)
        out += #","target":"#.utf8
        JSONValue.writeString(e.request.target, to: &out)
        out += #","headers":"#.utf8
        writeHeaders(e.request.headers, to: &out)
    }

    /// The whole response object.
    static func writeResponse(_ response: Response, to out: inout [UInt8]) {
        out += #"{"status":"#.utf8
        out += String(response.status).utf8
        out += #","headers":"#.utf8
        writeHeaders(response.headers, to: &out)
        writeBody(response.body, to: &out)
        writeResponseTail(response, to: &out)
    }

    /// `,"sse":…}`: the events and the end of the response object.
    static func writeResponseTail(_ response: Response, to out: inout [UInt8]) {
        out += #","sse":"#.utf8
        if let sse = response.sse {
            out.append(UInt8(ascii: "["))
            for (i, event) in sse.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out += #"{"t_ms":"#.utf8
                out += formatMillis(event.tMs).utf8
                out += #","event":"#.utf8
                if let name = event.event { JSONValue.writeString(name, to: &out) } else { out += "null".utf8 }
                out += #","data":"#.utf8
                JSONValue.writeString(event.data, to: &out)
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        } else {
            out += "null".utf8
        }
        out.append(UInt8(ascii: "}"))
    }

    /// From `,"llm":` to the closing brace of the record.
    static func writeRecordTail(_ e: Exchange, to out: inout [UInt8]) {
        out += #","llm":"#.utf8
        (e.llm?.jsonValue ?? .null).write(to: &out)
        out += #","outcome":"#.utf8
        JSONValue.writeString(e.outcome.rawValue, to: &out)
        out += #","error":"#.utf8
        (e.error.map(JSONValue.string) ?? .null).write(to: &out)
        out += #","route":"#.utf8
        (e.route ?? .null).write(to: &out)
        if e.redactedBodySecrets > 0 {
            out += #","redacted_body_secrets":"#.utf8
            out += Array(String(e.redactedBodySecrets).utf8)
        }
        out.append(UInt8(ascii: "}"))
    }
}
