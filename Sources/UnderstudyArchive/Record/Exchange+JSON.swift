import Foundation

/// Why a line is not a valid Exchange record.
public struct ExchangeDecodingError: Error, CustomStringConvertible, Sendable, Equatable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

extension Exchange {
    /// The record as one JSON line (without the trailing newline).
    ///
    /// Bodies that are a single compact JSON value (no raw line breaks) are written verbatim as
    /// `body`, so `jq` sees them as JSON and the bytes come back unchanged; any other body is
    /// written as `body_b64`.
    public func jsonLine() -> [UInt8] {
        var out = LineBytes(capacity: 512 + request.body.bytes.count + (response?.body.bytes.count ?? 0) * 2)
        Self.writeLine(self, to: &out)
        return out.array
    }

    /// Decodes one record line. Unknown members are ignored (records from newer writers that only
    /// added fields still read); an unknown schema version is an error naming it.
    public init(jsonLine bytes: some Collection<UInt8>) throws {
        let array = Array(bytes)
        self = try array.withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(buffer)
            return try Exchange.decode(&cursor)
        }
    }

    static func decode(_ cursor: inout JSONCursor) throws -> Exchange {
        var version: Int?
        var id: String?
        var capture = Capture(mode: .reverse)
        var timing = Timing(startMicros: 0)
        var request: Request?
        var response: Response?
        var llm: LLMInfo?
        var outcome = Outcome.ok
        var error: String?
        var route: JSONValue?
        var redactedBodySecrets = 0
        let buffer = cursor.bytes
        try cursor.forEachMember { (c, key) throws(JSONParseError) in
            switch key {
            case "v": version = try c.parseValue().intValue
            case "id": id = try c.parseValue().stringValue
            case "capture": capture = Capture(json: try c.parseValue())
            case "t":
                let t = try c.parseValue()
                timing = Timing(
                    startMicros: t["start"]?.stringValue.flatMap(RFC3339.parse(_:)) ?? 0,
                    firstByteMs: t["first_byte_ms"]?.doubleValue,
                    endMs: t["end_ms"]?.doubleValue)
            case "request":
                var r = Request(method: "", target: "")
                try c.forEachMember { (c, key) throws(JSONParseError) in
                    switch key {
                    case "method": r.method = try c.parseValue().stringValue ?? ""
                    case "target": r.target = try c.parseValue().stringValue ?? ""
                    case "headers": r.headers = Exchange.headers(from: try c.parseValue())
                    case "body", "body_b64", "truncated": try Exchange.readBodyMember(key, &c, buffer, into: &r.body)
                    default: _ = try c.skipValue()
                    }
                }
                request = r
            case "response":
                if c.peek() == UInt8(ascii: "n") {
                    _ = try c.skipValue()
                    response = nil
                    return
                }
                var r = Response(status: 0)
                try c.forEachMember { (c, key) throws(JSONParseError) in
                    switch key {
                    case "status": r.status = try c.parseValue().intValue ?? 0
                    case "headers": r.headers = Exchange.headers(from: try c.parseValue())
                    case "body", "body_b64", "truncated": try Exchange.readBodyMember(key, &c, buffer, into: &r.body)
                    case "sse":
                        let value = try c.parseValue()
                        r.sse = value.arrayValue?.map {
                            SSEEvent(tMs: $0["t_ms"]?.doubleValue ?? 0, event: $0["event"]?.stringValue,
                                     data: $0["data"]?.stringValue ?? "")
                        }
                    default: _ = try c.skipValue()
                    }
                }
                response = r
            case "llm": llm = LLMInfo(json: try c.parseValue())
            case "outcome":
                let raw = try c.parseValue().stringValue ?? "ok"
                outcome = Outcome(rawValue: raw) ?? .proxyError
            case "error": error = try c.parseValue().stringValue
            case "route":
                let value = try c.parseValue()
                route = value.isNull ? JSONValue?.none : value  // a bare `nil` here would be JSONValue.null
            case "redacted_body_secrets": redactedBodySecrets = try c.parseValue().intValue ?? 0
            case "$dedup":
                // A line as a segment stores it (what `zstdcat` prints): its references, left-out
                // bodies and answer only resolve inside its segment. Read as a record, it would
                // lose them silently (an answer-body line has `"assembled":null`).
                throw c.error(
                    "a stored segment line (it has a \"$dedup\" member); use `understudy archive cat` to get its records")
            default: _ = try c.skipValue()
            }
        }
        guard let version else { throw ExchangeDecodingError("record has no schema version \"v\"") }
        guard version == Exchange.schemaVersion else {
            throw ExchangeDecodingError("record schema version \(version) is not supported (this reader knows 1)")
        }
        guard let id else { throw ExchangeDecodingError("record has no \"id\"") }
        guard let request else { throw ExchangeDecodingError("record \(id) has no \"request\"") }
        var exchange = Exchange(id: id, capture: capture, timing: timing, request: request, response: response,
                                llm: llm, outcome: outcome, error: error, route: route)
        exchange.redactedBodySecrets = redactedBodySecrets
        return exchange
    }

    private static func readBodyMember(
        _ key: String, _ c: inout JSONCursor, _ buffer: UnsafeBufferPointer<UInt8>, into body: inout HTTPBody
    ) throws(JSONParseError) {
        switch key {
        case "body":
            if c.peek() == UInt8(ascii: "n") {
                _ = try c.skipValue()
            } else {
                let span = try c.skipValue()
                body.bytes = Array(buffer[span])
            }
        case "body_b64":
            if let text = try c.parseValue().stringValue {
                guard let data = Data(base64Encoded: text) else { throw c.error("body_b64 is not base64") }
                body.bytes = Array(data)
            }
        default:
            body.truncated = try c.parseValue().boolValue ?? false
        }
    }

    static func writeBody(_ body: HTTPBody, to out: inout LineBytes) {
        if body.bytes.isEmpty {
            out.append(literal: #","body":null,"body_b64":null"#)
        } else if !body.truncated, isVerbatimJSON(body) {
            out.append(literal: #","body":"#)
            out.append(contentsOf: body.bytes)
            out.append(literal: #","body_b64":null"#)
        } else {
            out.append(literal: #","body":null,"body_b64":""#)
            out.append(utf8: Data(body.bytes).base64EncodedString())
            out.append(UInt8(ascii: "\""))
        }
        out.append(literal: body.truncated ? #","truncated":true"# : #","truncated":false"#)
    }

    /// A body can sit in the line as-is when it is exactly one JSON value with no line breaks
    /// and no whitespace around it. A body the producer marked `isKnownJSON` is not validated again.
    static func isVerbatimJSON(_ body: HTTPBody) -> Bool {
        let bytes = body.bytes
        guard let first = bytes.first, let last = bytes.last, !isJSONWhitespace(first), !isJSONWhitespace(last)
        else { return false }
        let hasLineBreak = bytes.withUnsafeBytes { raw in
            memchr(raw.baseAddress!, 0x0A, raw.count) != nil || memchr(raw.baseAddress!, 0x0D, raw.count) != nil
        }
        return !hasLineBreak && (body.isKnownJSON || JSONValue.isValid(bytes))
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    static func writeHeaders(_ headers: [HTTPHeaderField], to out: inout LineBytes) {
        out.append(UInt8(ascii: "["))
        for (i, header) in headers.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            JSONValue.writeString(header.name, into: &out)
            out.append(UInt8(ascii: ","))
            JSONValue.writeString(header.value, into: &out)
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "]"))
    }

    static func headers(from value: JSONValue) -> [HTTPHeaderField] {
        (value.arrayValue ?? []).compactMap { pair in
            guard let name = pair[0]?.stringValue, let v = pair[1]?.stringValue else { return nil }
            return HTTPHeaderField(name, v)
        }
    }

    /// Milliseconds with at most three decimals, `null` when absent.
    static func formatMillis(_ ms: Double?) -> String {
        var out = LineBytes(capacity: 32)
        writeMillis(ms, to: &out)
        return out.withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// `formatMillis` appended as bytes, building no strings: every SSE event of a record has one.
    static func writeMillis(_ ms: Double?, to out: inout LineBytes) {
        guard let ms, ms.isFinite else {
            out.append(literal: "null")
            return
        }
        let micros = Int64((ms * 1000).rounded())
        if micros < 0 { out.append(UInt8(ascii: "-")) }
        let magnitude = micros.magnitude
        writeDecimal(magnitude / 1000, to: &out)
        var fraction = magnitude % 1000
        guard fraction != 0 else { return }
        out.append(UInt8(ascii: "."))
        // Three digits, trailing zeros dropped.
        var digits = 3
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        var divisor: UInt64 = digits == 3 ? 100 : digits == 2 ? 10 : 1
        var rest = fraction
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// `String(value)`'s digits, appended without building the string.
    static func writeInteger(_ value: Int, to out: inout LineBytes) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        writeDecimal(UInt64(value.magnitude), to: &out)
    }

    static func writeDecimal(_ value: UInt64, to out: inout LineBytes) {
        guard value >= 10 else {
            out.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        writeDecimal(value / 10, to: &out)
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }
}

extension Exchange.Capture {
    var jsonValue: JSONValue {
        [
            "mode": .string(mode.rawValue), "listener": listener.map(JSONValue.string) ?? .null,
            "client": client.map(JSONValue.string) ?? .null, "upstream": upstream.map(JSONValue.string) ?? .null,
        ]
    }
    init(json: JSONValue) {
        self.init(
            mode: json["mode"]?.stringValue.flatMap(Mode.init(rawValue:)) ?? .imported,
            listener: json["listener"]?.stringValue, client: json["client"]?.stringValue,
            upstream: json["upstream"]?.stringValue)
    }
}

extension Exchange.LLMInfo {
    var jsonValue: JSONValue {
        var usageValue = JSONValue.null
        if let usage {
            usageValue = [
                "input_tokens": usage.inputTokens.map(JSONValue.int) ?? .null,
                "output_tokens": usage.outputTokens.map(JSONValue.int) ?? .null,
            ]
        }
        return [
            "provider": .string(provider), "api": .string(api), "model": model.map(JSONValue.string) ?? .null,
            "stream": .bool(stream), "assembled": assembled ?? .null, "usage": usageValue,
        ]
    }
    init?(json: JSONValue) {
        guard let provider = json["provider"]?.stringValue, let api = json["api"]?.stringValue else { return nil }
        var usage: Exchange.Usage?
        if let u = json["usage"], !u.isNull {
            usage = Exchange.Usage(inputTokens: u["input_tokens"]?.intValue, outputTokens: u["output_tokens"]?.intValue)
        }
        let assembled = json["assembled"]
        self.init(
            provider: provider, api: api, model: json["model"]?.stringValue, stream: json["stream"]?.boolValue ?? false,
            assembled: (assembled?.isNull ?? true) ? nil : assembled, usage: usage)
    }
}
