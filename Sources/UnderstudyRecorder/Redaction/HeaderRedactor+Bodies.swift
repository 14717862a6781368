import Foundation
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
        guard let assembled = llm.assembled, Self.holdsKey(assembled) else { return (llm, []) }
        var bytes: [UInt8] = []
        assembled.write(to: &bytes)
        let ranges = KnownKeyScanner.ranges(in: bytes)
        guard !ranges.isEmpty, let scrubbed = try? JSONValue(parsing: scrubSecrets(in: bytes).bytes) else { return (llm, []) }
        var out = llm
        out.assembled = scrubbed
        return (out, ranges.map { String(decoding: bytes[$0], as: UTF8.self) })
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
    /// treats them as such. So for text without them, every key of the parsed document was found
    /// by `scrubSecrets(in:)` on the bytes, and the document need not be scanned again.
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
