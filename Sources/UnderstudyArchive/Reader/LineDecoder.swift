#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns a stored line back into the full record, undoing the segment's line scheme: it
/// replaces each `{"$dup":"FRAME:OFFSET:LENGTH"}` by the bytes it points at, re-renders an
/// SSE body that was left out and takes an assembled message left out for being the response
/// body (README.md, "Line scheme").
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
        let (plain, flags) = try resolve(line)
        var exchange = try Exchange(jsonLine: plain)
        if flags.sseDelta, var response = exchange.response {
            response.sse = try Self.sseDelta(plain)
            exchange.response = response
        }
        if flags.sseBody, var response = exchange.response, let sse = response.sse {
            response.body = HTTPBody(bytes: SSERendering.render(sse))
            exchange.response = response
        }
        if flags.answerBody {
            // Left out for being the body: held as the body's bytes again, as the recorder held
            // it (the writer left it out only for compact bytes), so `Exchange.jsonLine()` repeats
            // them and a re-encoding (`repair`) stores the answer once again. Checked with the
            // depth budget of an inline `assembled`, so the record's own line reads back.
            guard var llm = exchange.llm, let body = exchange.response?.body else {
                throw ArchiveError.invalid("a line says its assembled message is its response body, but it has none")
            }
            do {
                try llm.setAssembled(checking: body.bytes)
            } catch {
                throw ArchiveError.invalid(
                    "a line says its assembled message is its response body, which is not JSON (\(error))")
            }
            exchange.llm = llm
        }
        return exchange
    }

    /// The events of the `response.sse_delta` member of a resolved line.
    static func sseDelta(_ line: [UInt8]) throws -> [SSEEvent]? {
        var events: [SSEEvent]?
        try line.withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(buffer)
            try cursor.forEachMember { (c, key) throws(JSONParseError) in
                guard key == "response", c.peek() == UInt8(ascii: "{") else {
                    _ = try c.skipValue()
                    return
                }
                try c.forEachMember { (c, key) throws(JSONParseError) in
                    if key == "sse_delta" {
                        do {
                            events = try SSEDelta.read(&c)
                        } catch let error as JSONParseError {
                            throw error
                        } catch {
                            throw c.error("\(error)")
                        }
                    } else {
                        _ = try c.skipValue()
                    }
                }
            }
        }
        return events
    }

    /// What a line's `$dedup` member says was left out of it.
    struct Flags {
        /// The SSE body is the rendering of the events.
        var sseBody = false
        /// The events are in `sse_delta` form.
        var sseDelta = false
        /// `llm.assembled` is the response body (scheme `dedup-2`; never in `dedup-1`).
        var answerBody = false
    }

    /// The line with references replaced and the `$dedup` member removed, and what its flags say.
    func resolve(_ line: UnsafeBufferPointer<UInt8>) throws -> ([UInt8], Flags) {
        var i = Self.prefix.count
        var refs = 0
        while i < line.count, (48...57).contains(line[i]) {
            refs = refs * 10 + Int(line[i] - 48)
            i += 1
        }
        func flag(_ name: String) throws -> Bool {
            for value in [true, false] {
                let text = Array(#","\#(name)":\#(value)"#.utf8)
                if i + text.count <= line.count, memcmp(line.baseAddress! + i, text, text.count) == 0 {
                    i += text.count
                    return value
                }
            }
            throw ArchiveError.invalid("malformed $dedup member at the start of a line (\(name))")
        }
        var flags = Flags()
        flags.sseBody = try flag("sse_body")
        flags.sseDelta = try flag("sse_delta")
        if scheme != LineScheme.dedupBeforeAnswerBody { flags.answerBody = try flag("answer_body") }
        guard i + 2 <= line.count, line[i] == UInt8(ascii: "}"), line[i + 1] == UInt8(ascii: ",") else {
            throw ArchiveError.invalid("malformed $dedup member at the start of a line")
        }
        i += 2
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
                        "a line refers to bytes \(offset)..<\(offset + length) of the frame at byte \(frame), which is missing or damaged"
                    )
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
        return (out, flags)
    }
}
