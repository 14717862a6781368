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

    /// Middles at the edges of the writer's one-pass escaping (`SSEDelta.writeEscapedMiddle`:
    /// up to 256 bytes, twice that written at most): 255, 256 and 257 bytes, 256 quotes (512
    /// bytes out), 257 backslashes, 128 two-byte characters, each as the stream's first event
    /// (its whole data) and as the changed middle of a later one. The archive stores the same
    /// text the plain line holds (`bytesRaw` counts the plain lines) and reads it back.
    @Test(arguments: [
        String(repeating: "a", count: 255), String(repeating: "a", count: 256), String(repeating: "a", count: 257),
        String(repeating: "\"", count: 256), String(repeating: "\\", count: 257), String(repeating: "é", count: 128),
        String(repeating: "\"a\\", count: 85) + "b",
    ])
    func middlesAtTheOnePassLimitsAreStoredAsThePlainLineHasThem(middle: String) throws {
        let events = [
            SSEEvent(tMs: 0, data: middle),
            SSEEvent(tMs: 1, data: #"{"c":"x"}"#),
            SSEEvent(tMs: 2, data: #"{"c":""# + middle + #""}"#),
        ]
        var record = SampleExchanges.conversation(0, turns: 1)[0]
        record.response?.sse = events
        try expectStoredAsPlain([record])
    }

    /// A frame whose memory must grow while a middle is written into it (`LineBytes.write(upTo:)`
    /// reserves twice the middle's length): request bodies of every length in steps of 61 bytes
    /// put the middle at each offset up to 4 KiB before the end of a fresh segment's 64 KiB
    /// frame, so several land in the 512 bytes where 256 quotes do not fit.
    @Test func aMiddleWrittenAcrossTheFramesGrowthIsStoredAsThePlainLineHasIt() throws {
        for bodyLength in stride(from: (64 << 10) - (4 << 10), through: 64 << 10, by: 61) {
            var record = SampleExchanges.conversation(0, turns: 1)[0]
            record.request.body = HTTPBody(bytes: Array(repeating: UInt8(ascii: "q"), count: bodyLength))
            record.response?.sse = [
                SSEEvent(tMs: 0, data: String(repeating: "\"", count: 256)), SSEEvent(tMs: 1, data: "{}"),
            ]
            try expectStoredAsPlain([record], "request body \(bodyLength) bytes")
        }
    }

    /// Writes `records` to a fresh archive: its raw size is that of their plain lines and their
    /// events come back as they were.
    func expectStoredAsPlain(_ records: [Exchange], _ comment: Comment? = nil) throws {
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try ArchiveWriter(configuration: .init(directory: directory))
        for record in records { writer.append(record) }
        try writer.close()
        #expect(writer.counters.bytesRaw == records.reduce(0) { $0 + $1.jsonLine().count + 1 }, comment)
        let lines = try SampleExchanges.storedLines(in: directory)
        #expect(lines.allSatisfy { $0.contains(#""sse_delta":["#) }, comment)
        let read = try ArchiveReader(path: directory).exchanges().exchanges
        #expect(read.map { $0.response?.sse } == records.map { $0.response?.sse }, comment)
        #expect(read.map { $0.request.body } == records.map { $0.request.body }, comment)
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
