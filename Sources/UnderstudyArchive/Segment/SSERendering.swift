/// The canonical wire form of parsed SSE events: `event: NAME` when named, one `data: ` line per
/// line of data, and a blank line after each event. When a recorded stream is exactly this
/// rendering of its events, the archive stores only the events and derives the body on read.
enum SSERendering {
    static func render(_ events: [SSEEvent]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(events.reduce(0) { $0 + $1.data.utf8.count + 16 })
        for event in events { append(event, to: &out) }
        return out
    }

    static func append(_ event: SSEEvent, to out: inout [UInt8]) {
        if var name = event.event {
            out += "event: ".utf8
            name.withUTF8 { out.append(contentsOf: $0) }
            out.append(0x0A)
        }
        var data = event.data
        data.withUTF8 { d in
            forEachLine(d) { line in
                out += "data: ".utf8
                out.append(contentsOf: line)
                out.append(0x0A)
            }
        }
        out.append(0x0A)
    }

    /// Calls `body` with each `\n`-separated line of `text` (one empty line for empty text).
    private static func forEachLine(_ text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let base = text.baseAddress, !text.isEmpty else {
            body(UnsafeBufferPointer(start: nil, count: 0))
            return
        }
        var start = 0
        while true {
            if let nl = memchr(base + start, 0x0A, text.count - start) {
                let end = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                body(UnsafeBufferPointer(rebasing: text[start..<end]))
                start = end + 1
            } else {
                body(UnsafeBufferPointer(rebasing: text[start...]))
                return
            }
        }
    }

    /// Whether `body` is exactly the rendering of `events` (compared in place, nothing built).
    /// A plain loop over a cursor, no closures: local state captured by nested closures was
    /// checked for exclusive access at run time on every comparison (a third of the archive
    /// thread's time on streams).
    static func matches(_ events: [SSEEvent], _ body: [UInt8]) -> Bool {
        guard !body.isEmpty else { return false }
        return body.withUnsafeBufferPointer { b in
            var cursor = Matcher(body: b)
            for event in events {
                if var name = event.event {
                    guard cursor.expect("event: "), name.withUTF8({ cursor.expect($0) }), cursor.expect("\n") else {
                        return false
                    }
                }
                var data = event.data
                guard data.withUTF8({ cursor.expectDataLines($0) }), cursor.expect("\n") else { return false }
            }
            return cursor.position == b.count
        }
    }

    /// Walks the recorded body while `matches` compares it with the rendering.
    private struct Matcher {
        let body: UnsafeBufferPointer<UInt8>
        var position = 0

        mutating func expect(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            guard position + bytes.count <= body.count else { return false }
            if !bytes.isEmpty, memcmp(body.baseAddress! + position, bytes.baseAddress!, bytes.count) != 0 {
                return false
            }
            position += bytes.count
            return true
        }

        mutating func expect(_ text: StaticString) -> Bool {
            expect(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }

        /// `data: LINE\n` for each line of `text`, as `forEachLine` splits it.
        mutating func expectDataLines(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
            guard let base = text.baseAddress, !text.isEmpty else { return expect("data: ") && expect("\n") }
            var start = 0
            while true {
                guard expect("data: ") else { return false }
                if let nl = memchr(base + start, 0x0A, text.count - start) {
                    let end = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                    guard expect(UnsafeBufferPointer(rebasing: text[start..<end])), expect("\n") else { return false }
                    start = end + 1
                } else {
                    return expect(UnsafeBufferPointer(rebasing: text[start...])) && expect("\n")
                }
            }
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
