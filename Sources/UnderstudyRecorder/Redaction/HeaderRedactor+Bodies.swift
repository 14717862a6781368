import UnderstudyArchive
import UnderstudyWire

extension HeaderRedactor {
    /// The bytes with every well-known API key and PEM private-key block (see `KnownKeyScanner`)
    /// replaced by `redacted:<keyed fingerprint>`, and how many were replaced. The replacement
    /// holds no quote or backslash, so a JSON body stays valid; all other bytes stay as they were.
    public func scrubSecrets(in bytes: [UInt8]) -> (bytes: [UInt8], count: Int) {
        let ranges = KnownKeyScanner.ranges(in: bytes)
        guard !ranges.isEmpty else { return (bytes, 0) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var last = 0
        for range in ranges {
            out += bytes[last..<range.lowerBound]
            out += Array(fingerprint(String(decoding: bytes[range], as: UTF8.self)).utf8)
            last = range.upperBound
        }
        out += bytes[last...]
        return (out, ranges.count)
    }

    /// `scrubSecrets(in:)` for the assembled message of the LLM view, and the key texts it held.
    /// A streamed key split across events only shows whole here, once the events are joined.
    func scrubSecrets(in llm: Exchange.LLMInfo) -> (llm: Exchange.LLMInfo, keys: [String]) {
        guard let assembled = llm.assembled else { return (llm, []) }
        var bytes: [UInt8] = []
        assembled.write(to: &bytes)
        let ranges = KnownKeyScanner.ranges(in: bytes)
        guard !ranges.isEmpty, let scrubbed = try? JSONValue(parsing: scrubSecrets(in: bytes).bytes) else { return (llm, []) }
        var out = llm
        out.assembled = scrubbed
        return (out, ranges.map { String(decoding: bytes[$0], as: UTF8.self) })
    }

    /// Replaces the pieces of `keys` that a stream split across events: every run of key bytes
    /// (4 or more) that is part of one of the keys. Runs only when the assembled message held a
    /// key the whole-key scan of the events missed, so ordinary streams pay nothing.
    func scrubFragments(of keys: [String], in bytes: [UInt8]) -> (bytes: [UInt8], count: Int) {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var count = 0
        var i = 0
        while i < bytes.count {
            guard KnownKeyScanner.isKeyByte(bytes[i]) else {
                out.append(bytes[i])
                i += 1
                continue
            }
            var j = i
            while j < bytes.count, KnownKeyScanner.isKeyByte(bytes[j]) { j += 1 }
            let run = String(decoding: bytes[i..<j], as: UTF8.self)
            if j - i >= 4, let key = keys.first(where: { $0.contains(run) }) {
                out += Array(fingerprint(key).utf8)
                count += 1
            } else {
                out += bytes[i..<j]
            }
            i = j
        }
        return (out, count)
    }

    /// `scrubSecrets(in:)` for a body, keeping its `truncated` flag.
    func scrubSecrets(in body: HTTPBody) -> (body: HTTPBody, count: Int) {
        let (bytes, count) = scrubSecrets(in: body.bytes)
        return (HTTPBody(bytes: bytes, truncated: body.truncated), count)
    }

    /// `scrubSecrets(in:)` for each SSE event's data.
    func scrubSecrets(in events: [SSEEvent]) -> (events: [SSEEvent], count: Int) {
        var total = 0
        let scrubbed = events.map { event -> SSEEvent in
            let (bytes, count) = scrubSecrets(in: Array(event.data.utf8))
            guard count > 0 else { return event }
            total += count
            return SSEEvent(tMs: event.tMs, event: event.event, data: String(decoding: bytes, as: UTF8.self))
        }
        return (scrubbed, total)
    }
}
