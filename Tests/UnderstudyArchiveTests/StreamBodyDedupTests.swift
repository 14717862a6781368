import Foundation
import Testing
import UnderstudyArchive

/// The dedup scheme leaves a stream's raw body out of the line (`"sse_body":true`) exactly when
/// the body is the canonical rendering of its events (docs/formats.md): `event: NAME` when
/// named, `data: LINE` per line of data, a blank line after each event. Every other body is kept,
/// and every body comes back byte for byte.
struct StreamBodyDedupTests {
    static func rendering(_ events: [SSEEvent]) -> [UInt8] {
        var out = ""
        for event in events {
            if let name = event.event { out += "event: \(name)\n" }
            for line in event.data.split(separator: "\n", omittingEmptySubsequences: false) { out += "data: \(line)\n" }
            out += "\n"
        }
        return Array(out.utf8)
    }

    @Test func bodyIsLeftOutExactlyWhenItIsTheRenderingOfItsEvents() throws {
        var rng = XorShift(state: 0xB0D1_E5)
        let datas = ["{}", "", "[DONE]", "a\nb", "\n", "x\n", "{\"delta\":\"é 😀\"}", "data: y", "\r", "line\n\nline"]
        let names: [String?] = [nil, nil, "message_start", "content_block_delta", "", "é"]
        var records: [Exchange] = []
        var expectedLeftOut: [Bool] = []
        for _ in 0..<400 {
            let events = (0..<Int(rng.next() % 5)).map { i in
                SSEEvent(
                    tMs: Double(i), event: names[Int(rng.next() % UInt64(names.count))],
                    data: datas[Int(rng.next() % UInt64(datas.count))])
            }
            var body = Self.rendering(events)
            switch rng.next() % 6 {
            case 0 where !body.isEmpty: body[Int(rng.next() % UInt64(body.count))] ^= 0x01  // one byte changed
            case 1 where !body.isEmpty: body.removeLast()  // the final blank line cut
            case 2: body.append(0x0A)  // one line feed too many
            case 3 where !body.isEmpty: body.insert(0x0D, at: Int(rng.next() % UInt64(body.count)))
            default: break  // exact
            }
            var record = SampleExchanges.conversation(records.count, turns: 1)[0]
            record.response?.body = HTTPBody(bytes: body)
            record.response?.sse = events
            records.append(record)
            // Left out only when it can be derived: the canonical rendering, not empty (and the
            // writer's sse_delta/dup forms apply to every record here, so the dedup line is used).
            expectedLeftOut.append(!body.isEmpty && body == Self.rendering(events))
        }
        #expect(expectedLeftOut.contains(true) && expectedLeftOut.contains(false))

        let directory = try SampleExchanges.archive(records)
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = try SampleExchanges.storedLines(in: directory)
        #expect(lines.count == records.count)
        for (i, line) in lines.enumerated() where i < expectedLeftOut.count {
            #expect(line.contains(#""sse_body":true"#) == expectedLeftOut[i], "record \(i)")
        }
        let read = try ArchiveReader(path: directory).exchanges().exchanges
        #expect(read.map { $0.response?.body.bytes } == records.map { $0.response?.body.bytes })
    }

    /// The writer stores a stream's events as deltas of the previous event (`sse_delta`) and
    /// counts what the plain line would have cost from the changed bytes alone; that count must
    /// stay the plain line's exact length (the seek table's raw size, `archive ls`), whatever
    /// the events share and whatever needs escaping where they differ.
    @Test func plainSizeOfDeltaEncodedStreamsIsThePlainLinesLength() throws {
        var rng = XorShift(state: 0x5E_DE17A)
        let pieces = ["\"", "\\", "\n", "\u{01}", "\u{1F}", "é", "😀", "\t", "ab", "{\"c\":", "}", " ", "0123456789"]
        func text(_ n: UInt64) -> String {
            (0..<Int(rng.next() % n)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
        }
        var records: [Exchange] = []
        for _ in 0..<300 {
            // Shared head and tail around a changing token, as a model's chunks are; now and
            // then an event that shares nothing, and long runs to cross the 8-byte steps.
            let head = text(40)
            let tail = text(40)
            let events = (0..<(2 + Int(rng.next() % 30))).map { i in
                let data = rng.next() % 7 == 0 ? text(60) : head + text(6) + tail
                return SSEEvent(tMs: Double(i) * 1.5, event: rng.next() % 3 == 0 ? "delta\"é" : nil, data: data)
            }
            var record = SampleExchanges.conversation(records.count, turns: 1)[0]
            record.response?.sse = events
            records.append(record)
        }
        let (directory, rawBytes) = try SampleExchanges.archiveCountingRawBytes(records)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(rawBytes == SampleExchanges.plainSize(records))
        let read = try ArchiveReader(path: directory).exchanges().exchanges
        #expect(read.map { $0.response?.sse } == records.map { $0.response?.sse })
    }
}

/// xorshift64, seeded: a failure names a stream the same seed reproduces.
private struct XorShift {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
