import Foundation

/// Which line form a segment's frames hold; recorded in the segment header.
enum LineScheme: String, Sendable {
    /// Each record is exactly `Exchange.jsonLine()`.
    case plain
    /// Lines that do not repeat what the segment already holds (README.md, "Line scheme"):
    /// large request-body values seen earlier become `{"$dup":"FRAME:OFFSET:LENGTH"}`, an SSE
    /// body that is the canonical rendering of its events is left out, and so is an unstreamed
    /// answer's assembled message when it is the response body itself (`answer_body`). The
    /// writer writes this scheme; readers also read `dedup-1` (`readable`), its form before
    /// `answer_body`, in which every other rule is the same.
    case dedup = "dedup-2"

    /// The schemes a reader decodes: what the writer writes, and what earlier writers wrote.
    static let readable: Set<String> = [LineScheme.plain.rawValue, dedupBeforeAnswerBody, LineScheme.dedup.rawValue]

    /// The name of the scheme before `answer_body` (segments written before 28 Nov 2026): read,
    /// no longer written.
    static let dedupBeforeAnswerBody = "dedup-1"
}

/// Where a value already sits in the segment: the data frame starting at file offset `frame`,
/// `length` bytes at `offset` of its decoded content.
struct SpanRef {
    var frame: Int
    var offset: Int
    var length: Int
}

/// Turns records into the lines of a segment. Holds the per-segment table of values already
/// written, so it lives exactly as long as its `SegmentWriter`.
struct LineEncoder {
    let scheme: LineScheme
    private var seen: [SpanHash: SpanRef] = [:]
    private var startTime = StartTimeWriter()
    /// Values shorter than this are cheaper to repeat than to refer to.
    static let minimumSpan = 64
    static let marker = Array(#"{"$dup":""#.utf8)

    init(scheme: LineScheme) { self.scheme = scheme }

    /// Appends the record's line and a newline to `frame` (the decoded content of the frame that
    /// will be written at file offset `frameOffset`); returns the size of the plain line with its
    /// newline, i.e. what the record costs uncompressed in a plain JSONL file.
    mutating func encode(_ exchange: Exchange, frameOffset: Int, into frame: inout LineBytes) -> Int {
        guard scheme == .dedup else { return appendPlain(exchange, into: &frame) }
        let plan = Self.plan(exchange.request.body, seen: seen)
        let refs = plan.units.count
        let derivedBody = Self.isDerivedSSEBody(exchange.response)
        let sseDelta = (exchange.response?.sse?.count ?? 0) >= 2
        let answerBody = Self.isAnswerBody(exchange)
        guard refs > 0 || derivedBody || sseDelta || answerBody else { return appendPlain(exchange, into: &frame) }

        let lineStart = frame.count
        var plainSize = 0
        frame.append(literal: #"{"v":1,"$dedup":{"refs":"#)
        Exchange.writeInteger(refs, to: &frame)
        frame.append(literal: derivedBody ? #","sse_body":true"# : #","sse_body":false"#)
        frame.append(literal: sseDelta ? #","sse_delta":true"# : #","sse_delta":false"#)
        frame.append(literal: answerBody ? #","answer_body":true},"# : #","answer_body":false},"#)
        plainSize -= frame.count - lineStart - #"{"v":1,"#.utf8.count
        frame.append(literal: #""id":"#)
        JSONValue.writeString(exchange.id, into: &frame)
        Exchange.writeRecordHead(exchange, startTime: &startTime, to: &frame)
        var registrations: [(SpanHash, SpanRef)] = []
        if plan.dedupable {
            frame.append(literal: #","body":"#)
            plainSize += Self.writeBody(
                exchange.request.body.bytes, plan, frameOffset: frameOffset, into: &frame,
                registrations: &registrations)
            frame.append(literal: #","body_b64":null,"truncated":false"#)
        } else {
            Exchange.writeBody(exchange.request.body, to: &frame)
        }
        frame.append(literal: "}")
        if let response = exchange.response {
            frame.append(literal: #","response":{"status":"#)
            Exchange.writeInteger(response.status, to: &frame)
            frame.append(literal: #","headers":"#)
            Exchange.writeHeaders(response.headers, to: &frame)
            if derivedBody {
                frame.append(literal: #","body":null,"body_b64":null,"truncated":false"#)
                plainSize += 4 * ((response.body.bytes.count + 2) / 3) + 2 - 4
            } else {
                Exchange.writeBody(response.body, to: &frame)
            }
            if sseDelta, let sse = response.sse {
                let before = frame.count
                let plainTail = SSEDelta.write(sse, to: &frame)
                frame.append(UInt8(ascii: "}"))
                plainSize += plainTail + 1 - (frame.count - before)
            } else {
                Exchange.writeResponseTail(response, to: &frame)
            }
        } else {
            frame.append(literal: #","response":null"#)
        }
        if answerBody, let answer = exchange.llm?.assembledJSON {
            Exchange.writeRecordTail(exchange, assembledAsNull: true, to: &frame)
            plainSize += answer.count - "null".utf8.count
        } else {
            Exchange.writeRecordTail(exchange, to: &frame)
        }
        // A record whose own content holds the reference marker would be misread: store it plain.
        if refs > 0,
           frame.withBytes({ Self.count(Self.marker, in: UnsafeRawBufferPointer($0), from: lineStart) }) != refs {
            frame.removeLast(frame.count - lineStart)
            return appendPlain(exchange, into: &frame)
        }
        plainSize += frame.count - lineStart
        frame.append(0x0A)
        for (hash, ref) in registrations where seen[hash] == nil { seen[hash] = ref }
        return plainSize + 1
    }

    private mutating func appendPlain(_ exchange: Exchange, into frame: inout LineBytes) -> Int {
        let start = frame.count
        Exchange.writeLine(exchange, startTime: &startTime, to: &frame)
        frame.append(0x0A)
        return frame.count - start
    }

    /// Whether the assembled message is the response body's own bytes, as the recorder holds an
    /// unstreamed answer's (`LLMInfo.setAssembled(json:)`) and the line writes the body as it is:
    /// then the line leaves `llm.assembled` null and the reader takes the body (`answer_body`).
    /// The two arrays are usually one storage, so the comparison is a pointer test. An answer
    /// shorter than `minimumSpan` is cheaper to repeat.
    static func isAnswerBody(_ exchange: Exchange) -> Bool {
        guard let answer = exchange.llm?.assembledJSON, answer.count >= minimumSpan,
            let body = exchange.response?.body, !body.truncated
        else { return false }
        return answer == body.bytes
    }

    static func isDerivedSSEBody(_ response: Exchange.Response?) -> Bool {
        guard let response, let sse = response.sse, !response.body.truncated, !response.body.bytes.isEmpty else {
            return false
        }
        return SSERendering.matches(sse, response.body.bytes)
    }

    // MARK: Request body

    /// The values of a request body to replace by references (`units`, in order) and those to
    /// remember once written (`register`). Candidates: each top-level member value, and each
    /// element of a top-level array (`messages`, `tools`, `contents`, `input`, …).
    struct Plan {
        var dedupable = false
        var units: [(range: Range<Int>, ref: SpanRef)] = []
        var register: [(range: Range<Int>, hash: SpanHash)] = []
    }

    static func plan(_ body: HTTPBody, seen: [SpanHash: SpanRef]) -> Plan {
        var plan = Plan()
        let bytes = body.bytes
        // The walk below validates the JSON; what `isVerbatimJSON` adds is no line breaks and no
        // whitespace around the value.
        guard !body.truncated, bytes.count >= minimumSpan, bytes.first == UInt8(ascii: "{"),
            bytes.last == UInt8(ascii: "}"), count([0x0A], in: bytes, from: 0) == 0,
            count([0x0D], in: bytes, from: 0) == 0, count(marker, in: bytes, from: 0) == 0
        else { return plan }
        plan.dedupable = true
        bytes.withUnsafeBufferPointer { buffer in
            let raw = UnsafeRawBufferPointer(buffer)
            func hash(_ r: Range<Int>) -> SpanHash { SpanHash(UnsafeRawBufferPointer(rebasing: raw[r])) }
            var cursor = JSONCursor(buffer)
            do {
                try cursor.forEachMember { (c, _) throws(JSONParseError) in
                    if c.peek() == UInt8(ascii: "[") {
                        let start = c.position
                        var elements: [Range<Int>] = []
                        try c.forEachElement { (c) throws(JSONParseError) in
                            let span = try c.skipValue()
                            if span.count >= minimumSpan { elements.append(span) }
                        }
                        let whole = start..<c.position
                        guard whole.count >= minimumSpan else { return }
                        let wholeHash = hash(whole)
                        if let ref = seen[wholeHash] {
                            plan.units.append((whole, ref))
                            return
                        }
                        var anyRef = false
                        for element in elements {
                            let h = hash(element)
                            if let ref = seen[h] {
                                plan.units.append((element, ref))
                                anyRef = true
                            } else {
                                plan.register.append((element, h))
                            }
                        }
                        if !anyRef { plan.register.append((whole, wholeHash)) }
                    } else {
                        let span = try c.skipValue()
                        guard span.count >= minimumSpan else { return }
                        let h = hash(span)
                        if let ref = seen[h] { plan.units.append((span, ref)) } else { plan.register.append((span, h)) }
                    }
                }
                cursor.skipWhitespace()
                if !cursor.isAtEnd { plan = Plan() }
            } catch {
                plan = Plan()
            }
        }
        plan.register.sort { $0.range.lowerBound < $1.range.lowerBound }
        return plan
    }

    /// Writes `body` with the plan's references; returns how many bytes shorter than the body it is.
    static func writeBody(
        _ body: [UInt8], _ plan: Plan, frameOffset: Int, into frame: inout LineBytes,
        registrations: inout [(SpanHash, SpanRef)]
    ) -> Int {
        var saved = 0
        var copied = 0
        var next = 0  // index into plan.register
        func copy(upTo end: Int) {
            let at = frame.count
            frame.append(contentsOf: body[copied..<end])
            while next < plan.register.count, plan.register[next].range.upperBound <= end {
                let r = plan.register[next]
                if r.range.lowerBound >= copied {
                    registrations.append(
                        (
                            r.hash,
                            SpanRef(frame: frameOffset, offset: at + r.range.lowerBound - copied, length: r.range.count)
                        ))
                }
                next += 1
            }
            copied = end
        }
        for unit in plan.units {
            copy(upTo: unit.range.lowerBound)
            while next < plan.register.count, plan.register[next].range.lowerBound < unit.range.upperBound { next += 1 }
            let before = frame.count
            frame.append(literal: #"{"$dup":""#)
            frame.append(utf8: "\(unit.ref.frame):\(unit.ref.offset):\(unit.ref.length)")
            frame.append(literal: #""}"#)
            saved += unit.range.count - (frame.count - before)
            copied = unit.range.upperBound
        }
        copy(upTo: body.count)
        return saved
    }

    static func count(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int {
        haystack.withUnsafeBytes { count(needle, in: $0, from: start) }
    }

    static func count(_ needle: [UInt8], in haystack: UnsafeRawBufferPointer, from start: Int) -> Int {
        var found = 0
        needle.withUnsafeBytes { n in
            var position = start
            while let hit = ByteSearch.find(n, in: haystack, from: position) {
                found += 1
                position = hit + n.count
            }
        }
        return found
    }
}
