/// `Exchange.jsonLine()` written in pieces, straight into the caller's `LineBytes`, so that
/// `LineEncoder` can change the pieces in between and the writer thread builds no intermediate
/// `JSONValue` or array per record (it used to: the record's line was ~12% of the proxy's CPU).
/// The pieces produce exactly the bytes the `JSONValue` forms of `capture` and `llm` serialise
/// to (tests compare lines with them).
extension Exchange {
    /// The whole record line, without the newline.
    static func writeLine(_ e: Exchange, to out: inout LineBytes) {
        var startTime = StartTimeWriter()
        writeLine(e, startTime: &startTime, to: &out)
    }

    /// The whole record line; `startTime` keeps the formatted second between the records of a writer.
    static func writeLine(_ e: Exchange, startTime: inout StartTimeWriter, to out: inout LineBytes) {
        out.append(literal: #"{"v":1,"id":"#)
        JSONValue.writeString(e.id, into: &out)
        writeRecordHead(e, startTime: &startTime, to: &out)
        writeBody(e.request.body, to: &out)
        out.append(UInt8(ascii: "}"))
        out.append(literal: #","response":"#)
        if let response = e.response { writeResponse(response, to: &out) } else { out.append(literal: "null") }
        writeRecordTail(e, to: &out)
    }

    /// From `,"capture":` up to the request headers (inclusive).
    static func writeRecordHead(_ e: Exchange, startTime: inout StartTimeWriter, to out: inout LineBytes) {
        out.append(literal: #","capture":{"mode":"#)
        JSONValue.writeString(e.capture.mode.rawValue, into: &out)
        out.append(literal: #","listener":"#)
        writeOptional(e.capture.listener, to: &out)
        out.append(literal: #","client":"#)
        writeOptional(e.capture.client, to: &out)
        out.append(literal: #","upstream":"#)
        writeOptional(e.capture.upstream, to: &out)
        out.append(literal: #"},"t":{"start":"#)
        startTime.writeQuoted(micros: e.timing.startMicros, to: &out)
        out.append(literal: #","first_byte_ms":"#)
        writeMillis(e.timing.firstByteMs, to: &out)
        out.append(literal: #","end_ms":"#)
        writeMillis(e.timing.endMs, to: &out)
        out.append(literal: #"},"request":{"method":"#)
        JSONValue.writeString(e.request.method, into: &out)
        out.append(literal: #","target":"#)
        JSONValue.writeString(e.request.target, into: &out)
        out.append(literal: #","headers":"#)
        writeHeaders(e.request.headers, to: &out)
    }

    /// The whole response object.
    static func writeResponse(_ response: Response, to out: inout LineBytes) {
        out.append(literal: #"{"status":"#)
        writeInteger(response.status, to: &out)
        out.append(literal: #","headers":"#)
        writeHeaders(response.headers, to: &out)
        writeBody(response.body, to: &out)
        writeResponseTail(response, to: &out)
    }

    /// `,"sse":…}`: the events and the end of the response object.
    static func writeResponseTail(_ response: Response, to out: inout LineBytes) {
        out.append(literal: #","sse":"#)
        if let sse = response.sse {
            out.append(UInt8(ascii: "["))
            for (i, event) in sse.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(literal: #"{"t_ms":"#)
                writeMillis(event.tMs, to: &out)
                out.append(literal: #","event":"#)
                writeOptional(event.event, to: &out)
                out.append(literal: #","data":"#)
                JSONValue.writeString(event.data, into: &out)
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        } else {
            out.append(literal: "null")
        }
        out.append(UInt8(ascii: "}"))
    }

    /// From `,"llm":` to the closing brace of the record. `assembledAsNull`: `llm.assembled` is
    /// written as null, for a line that says where it is instead (`LineEncoder`, `answer_body`).
    static func writeRecordTail(_ e: Exchange, assembledAsNull: Bool = false, to out: inout LineBytes) {
        out.append(literal: #","llm":"#)
        if let llm = e.llm {
            writeLLM(llm, assembledAsNull: assembledAsNull, to: &out)
        } else {
            out.append(literal: "null")
        }
        out.append(literal: #","outcome":"#)
        JSONValue.writeString(e.outcome.rawValue, into: &out)
        out.append(literal: #","error":"#)
        writeOptional(e.error, to: &out)
        out.append(literal: #","route":"#)
        if let route = e.route { route.write(into: &out) } else { out.append(literal: "null") }
        if e.redactedBodySecrets > 0 {
            out.append(literal: #","redacted_body_secrets":"#)
            writeInteger(e.redactedBodySecrets, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `LLMInfo.jsonValue`, serialised without building it.
    static func writeLLM(_ llm: LLMInfo, assembledAsNull: Bool = false, to out: inout LineBytes) {
        out.append(literal: #"{"provider":"#)
        JSONValue.writeString(llm.provider, into: &out)
        out.append(literal: #","api":"#)
        JSONValue.writeString(llm.api, into: &out)
        out.append(literal: #","model":"#)
        writeOptional(llm.model, to: &out)
        out.append(literal: llm.stream ? #","stream":true,"assembled":"# : #","stream":false,"assembled":"#)
        if assembledAsNull {
            out.append(literal: "null")
        } else if let bytes = llm.assembledJSON {
            out.append(contentsOf: bytes)  // the compact form of the value (`setAssembled(json:)`): what `write` would give
        } else if let assembled = llm.assembled {
            assembled.write(into: &out)
        } else {
            out.append(literal: "null")
        }
        out.append(literal: #","usage":"#)
        if let usage = llm.usage {
            out.append(literal: #"{"input_tokens":"#)
            writeOptional(usage.inputTokens, to: &out)
            out.append(literal: #","output_tokens":"#)
            writeOptional(usage.outputTokens, to: &out)
            out.append(UInt8(ascii: "}"))
        } else {
            out.append(literal: "null")
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func writeOptional(_ text: String?, to out: inout LineBytes) {
        if let text { JSONValue.writeString(text, into: &out) } else { out.append(literal: "null") }
    }

    private static func writeOptional(_ number: Int?, to out: inout LineBytes) {
        if let number { writeInteger(number, to: &out) } else { out.append(literal: "null") }
    }
}
