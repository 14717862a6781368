import Foundation
import UnderstudyArchive
import UnderstudyWire

extension HeaderRedactor {
    /// The bytes with every well-known API key and PEM private-key block (see `KnownKeyScanner`)
    /// replaced by `redacted:<keyed fingerprint>`, and how many were replaced. The replacement
    /// holds no quote or backslash, so a JSON body stays valid; all other bytes stay as they were.
    ///
    /// Exact on escaped JSON too: when the bytes hold a `\u` or `\/` escape, the scan also runs
    /// on their decoded text (`JSONEscapeView`), so `"sk-\u0070roj-…"` is found; the raw bytes
    /// that spell such a key, escape sequences whole, are replaced by the fingerprint of the
    /// decoded key (docs/formats.md), the same text as for the key written plainly.
    public func scrubSecrets(in bytes: [UInt8]) -> (bytes: [UInt8], count: Int) {
        let hits = Self.matches(in: bytes) { KnownKeyScanner.ranges(in: $0) }
        return (Self.replacing(hits, in: bytes) { fingerprint(String(decoding: $0, as: UTF8.self)) }, hits.count)
    }

    /// What a scan found: the raw bytes to replace and the text they spell (decoded).
    typealias Match = (range: Range<Int>, text: ArraySlice<UInt8>)

    /// The ranges `find` reports in the raw bytes and, when escapes may spell more, in their
    /// decoded view (mapped back to raw ranges). Overlapping ranges become one, spelling the
    /// decoded match: a raw scan stops at the first escape of a key, the decoded scan does not.
    static func matches(in bytes: [UInt8], find: ([UInt8]) -> [Range<Int>]) -> [Match] {
        var out: [Match] = find(bytes).map { ($0, bytes[$0]) }
        guard escapesMayHideKeys(bytes) else { return out }
        let view = JSONEscapeView(bytes)
        for found in find(view.decoded) {
            var range = view.rawRange(of: found)
            out.removeAll { other in
                guard other.range.overlaps(range) else { return false }
                range = min(range.lowerBound, other.range.lowerBound)..<max(range.upperBound, other.range.upperBound)
                return true
            }
            out.append((range, view.decoded[found]))
        }
        out.sort { $0.range.lowerBound < $1.range.lowerBound }
        return out
    }

    /// `bytes` with each match's range replaced by `replacement(match.text)`; matches in order.
    static func replacing(_ matches: [Match], in bytes: [UInt8], with replacement: (ArraySlice<UInt8>) -> String)
        -> [UInt8]
    {
        guard !matches.isEmpty else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var last = 0
        for match in matches {
            out += bytes[last..<match.range.lowerBound]
            out += replacement(match.text).utf8
            last = match.range.upperBound
        }
        out += bytes[last...]
        return out
    }

    /// `scrubSecrets(in:)` for the assembled message of the LLM view, and the key texts it held.
    /// A streamed key split across events only shows whole here, once the events are joined.
    func scrubSecrets(in llm: Exchange.LLMInfo) -> (llm: Exchange.LLMInfo, keys: [String]) {
        guard let assembled = llm.assembled, Self.holdsKey(assembled) else { return (llm, []) }
        var bytes: [UInt8] = []
        assembled.write(to: &bytes)
        let hits = Self.matches(in: bytes) { KnownKeyScanner.ranges(in: $0) }
        let scrubbed = Self.replacing(hits, in: bytes) { fingerprint(String(decoding: $0, as: UTF8.self)) }
        guard !hits.isEmpty, let value = try? JSONValue(parsing: scrubbed) else { return (llm, []) }
        var out = llm
        out.assembled = value
        return (out, hits.map { String(decoding: $0.text, as: UTF8.self) })
    }

    /// Whether any string (member names included) of `value` holds a key. Scanning the decoded
    /// strings finds exactly what scanning the serialised value would: keys never contain a
    /// quote or an escape, and the scanner treats escapes and quotes as token boundaries. It
    /// spares serialising every assembled message (that was ~7% of the proxy's CPU) when, as
    /// nearly always, there is no key.
    static func holdsKey(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): return holdsKey(text)
        case .array(let elements): return elements.contains(where: holdsKey)
        case .object(let members): return members.contains { holdsKey($0.key) || holdsKey($0.value) }
        case .null, .bool, .number: return false
        }
    }

    private static func holdsKey(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { !KnownKeyScanner.ranges(in: $0).isEmpty }
    }

    /// Whether JSON text holds a `\uXXXX` or `\/` escape. Only these can spell key bytes
    /// (letters, digits, `-`, `_`, `.`) or a `-----BEGIN` line that a scan of the raw bytes does
    /// not see; the other escapes (`\n`, `\"`, …) stand for bytes that end a key, and the scanner
    /// treats them as such. So text without them needs no decoded view: the raw scan is exact.
    static func escapesMayHideKeys(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return false }
            var i = 0
            while i < b.count, let hit = memchr(base + i, 0x5C, b.count - i) {
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                guard at + 1 < b.count else { return false }
                if b[at + 1] == UInt8(ascii: "u") || b[at + 1] == UInt8(ascii: "/") { return true }
                i = at + 2  // past the escaped byte, so `\\u` is not read as an escape
            }
            return false
        }
    }

    /// Replaces the pieces of `keys` that a stream split across events: every run of key bytes
    /// (4 or more) that is part of one of the keys, also when escapes spell it (decoded view, as
    /// in `scrubSecrets(in:)`). Runs only when the assembled message held a key the whole-key
    /// scan of the events missed, so ordinary streams pay nothing.
    func scrubFragments(of keys: [String], in bytes: [UInt8]) -> (bytes: [UInt8], count: Int) {
        func key(containing run: ArraySlice<UInt8>) -> String? {
            let text = String(decoding: run, as: UTF8.self)
            return keys.first { $0.contains(text) }
        }
        let hits = Self.matches(in: bytes) { text in
            var runs: [Range<Int>] = []
            var i = 0
            while i < text.count {
                guard KnownKeyScanner.isKeyByte(text[i]) else {
                    i += 1
                    continue
                }
                var j = i
                while j < text.count, KnownKeyScanner.isKeyByte(text[j]) { j += 1 }
                if j - i >= 4, key(containing: text[i..<j]) != nil { runs.append(i..<j) }
                i = j
            }
            return runs
        }
        let scrubbed = Self.replacing(hits, in: bytes) { fingerprint(key(containing: $0) ?? String(decoding: $0, as: UTF8.self)) }
        return (scrubbed, hits.count)
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
