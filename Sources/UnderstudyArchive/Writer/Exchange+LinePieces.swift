/// `Exchange.jsonLine()` written in pieces, straight into the caller's buffer, so that
/// `LineEncoder` can change the pieces in between and the writer thread builds no intermediate
/// `JSONValue` or array per record (it used to: the record's line was ~12% of the proxy's CPU).
/// The pieces produce exactly the bytes the `JSONValue` forms of `capture` and `llm` serialise
/// to (tests compare lines with them).
extension Exchange {
    /// The whole record line, without the newline.
    static func writeLine(_ e: Exchange, to out: inout [UInt8]) {
        out += #"{"v":1,"id":"#.utf8
        JSONValue.writeString(e.id, to: &out)
        writeRecordHead(e, to: &out)
        writeBody(e.request.body, to: &out)
        out.append(UInt8(ascii: "}"))
        out += #","response":"#.utf8
        if let response = e.response { writeResponse(response, to: &out) } else { out += "null".utf8 }
        writeRecordTail(e, to: &out)
    }

    /// From `,"capture":` up to the request headers (inclusive).
    static func writeRecordHead(_ e: Exchange, to out: inout [UInt8]) {
        out += #","capture":{"mode":"#.utf8
        JSONValue.writeString(e.capture.mode.rawValue, to: &out)
        out += #","listener":"#.utf8
        writeOptional(e.capture.listener, to: &out)
        out += #","client":"#.utf8
        writeOptional(e.capture.client, to: &out)
        out += #","upstream":"#.utf8
        writeOptional(e.capture.upstream, to: &out)
        out += #"},"t":{"start":"#.utf8
        RFC3339.writeQuoted(micros: e.timing.startMicros, to: &out)
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
                writeMillis(event.tMs, to: &out)
                out += #","event":"#.utf8
                writeOptional(event.event, to: &out)
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
        if let llm = e.llm { writeLLM(llm, to: &out) } else { out += "null".utf8 }
        out += #","outcome":"#.utf8
        JSONValue.writeString(e.outcome.rawValue, to: &out)
        out += #","error":"#.utf8
        writeOptional(e.error, to: &out)
        out += #","route":"#.utf8
        if let route = e.route { route.write(to: &out) } else { out += "null".utf8 }
        if e.redactedBodySecrets > 0 {
            out += #","redacted_body_secrets":"#.utf8
            out += String(e.redactedBodySecrets).utf8
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `LLMInfo.jsonValue`, serialised without building it.
    static func writeLLM(_ llm: LLMInfo, to out: inout [UInt8]) {
        out += #"{"provider":"#.utf8
        JSONValue.writeString(llm.provider, to: &out)
        out += #","api":"#.utf8
        JSONValue.writeString(llm.api, to: &out)
        out += #","model":"#.utf8
        writeOptional(llm.model, to: &out)
        out += (llm.stream ? #","stream":true,"assembled":"# : #","stream":false,"assembled":"#).utf8
        if let bytes = llm.assembledJSON {
            out += bytes  // the compact form of the value (`setAssembled(json:)`): what `write` would give
        } else if let assembled = llm.assembled {
            assembled.write(to: &out)
        } else {
            out += "null".utf8
        }
        out += #","usage":"#.utf8
        if let usage = llm.usage {
            out += #"{"input_tokens":"#.utf8
            writeOptional(usage.inputTokens, to: &out)
            out += #","output_tokens":"#.utf8
            writeOptional(usage.outputTokens, to: &out)
            out.append(UInt8(ascii: "}"))
        } else {
            out += "null".utf8
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func writeOptional(_ text: String?, to out: inout [UInt8]) {
        if let text { JSONValue.writeString(text, to: &out) } else { out += "null".utf8 }
    }

    private static func writeOptional(_ number: Int?, to out: inout [UInt8]) {
        out += (number.map(String.init) ?? "null").utf8
    }
}
