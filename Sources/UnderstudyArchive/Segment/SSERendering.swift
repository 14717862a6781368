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
    static func matches(_ events: [SSEEvent], _ body: [UInt8]) -> Bool {
        guard !body.isEmpty else { return false }
        return body.withUnsafeBufferPointer { b in
            var position = 0
            var ok = true
            func expect(_ bytes: UnsafeBufferPointer<UInt8>) {
                guard ok, position + bytes.count <= b.count,
                    bytes.isEmpty || memcmp(b.baseAddress! + position, bytes.baseAddress!, bytes.count) == 0
                else {
                    ok = false
                    return
                }
                position += bytes.count
            }
            func expect(_ text: StaticString) {
                expect(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
            }
            for event in events {
                if var name = event.event {
                    expect("event: ")
                    name.withUTF8 { expect($0) }
                    expect("\n")
                }
                var data = event.data
                data.withUTF8 { d in
                    forEachLine(d) { line in
                        expect("data: ")
                        expect(line)
                        expect("\n")
                    }
                }
                expect("\n")
                if !ok { return false }
            }
            return ok && position == b.count
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
