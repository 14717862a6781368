import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

struct ArchiveWriterTests {
    @Test func everyFieldRoundTrips() throws {
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let records =
            SampleExchanges.conversation(1, turns: 5) + [SampleExchanges.oddball()]
            + SampleExchanges.conversation(2, turns: 3)
        let writer = try ArchiveWriter(configuration: .init(directory: directory))
        for record in records { #expect(writer.append(record)) }
        try writer.close()
        let counters = writer.counters
        #expect(counters.written == records.count)
        #expect(counters.dropped == 0)
        #expect(counters.bytesRaw == records.reduce(0) { $0 + $1.jsonLine().count + 1 })
        let (read, issues) = try ArchiveReader(path: directory).exchanges()
        #expect(issues.isEmpty)
        expectSameRecords(read, records)
        // Bodies come back byte for byte; the odd one travels as base64, JSON ones stay JSON.
        #expect(read[5].request.body.bytes == [0, 1, 2, 255, 10, 13])
        #expect(read[5].response?.body.bytes == Array("  {\"spaced\": 1.0}\n".utf8))
        let plain = String(decoding: records[0].jsonLine(), as: UTF8.self)
        #expect(plain.contains(#""body":{"model":"gpt-4o""#))
        #expect(String(decoding: records[5].jsonLine(), as: UTF8.self).contains(#""body_b64":"AAEC/woN""#))
    }

    @Test func segmentFilesArePrivateAndNamedByTime() throws {
        let root = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("new/archive")
        let writer = try ArchiveWriter(configuration: .init(directory: directory))
        writer.append(SampleExchanges.oddball())
        try writer.close()
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        let segments = try SampleExchanges.segments(in: directory)
        #expect(segments.count == 1)
        let fileAttributes = try FileManager.default.attributesOfItem(atPath: segments[0].path)
        #expect((fileAttributes[.posixPermissions] as? Int) == 0o600)
        #expect(
            segments[0].lastPathComponent.hasPrefix(
                String(RFC3339.format(micros: Exchange.Timing.nowMicros()).prefix(4))))
    }

    @Test func concurrentProducersLoseNothing() async throws {
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try ArchiveWriter(
            configuration: .init(directory: directory, flushInterval: .milliseconds(5), flushBytes: 64 << 10))
        let perTask = 60
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<16 {
                group.addTask {
                    for record in SampleExchanges.conversation(task, turns: perTask / 6).prefix(perTask) {
                        writer.append(record)
                    }
                    for _ in 0..<(perTask - perTask / 6) { writer.append(SampleExchanges.oddball()) }
                }
            }
        }
        try writer.close()
        #expect(writer.counters.written == 16 * perTask)
        #expect(writer.counters.dropped == 0)
        let (read, issues) = try ArchiveReader(path: directory).exchanges()
        #expect(issues.isEmpty)
        #expect(Set(read.map(\.id)).count == 16 * perTask)
    }

    @Test func fullQueueDropsAndCounts() throws {
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try ArchiveWriter(
            configuration: .init(directory: directory, queueCapacity: 4, flushInterval: .seconds(60)))
        var accepted = 0
        for _ in 0..<2000 where writer.append(SampleExchanges.oddball()) { accepted += 1 }
        try writer.close()
        let counters = writer.counters
        #expect(counters.dropped == 2000 - accepted)
        #expect(counters.dropped > 0)
        #expect(counters.written == accepted)
        #expect(!writer.append(SampleExchanges.oddball()), "a closed writer accepts nothing")
    }

    @Test func batchHandOffKeepsWhatFitsAndCountsTheRest() throws {
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try ArchiveWriter(
            configuration: .init(directory: directory, queueCapacity: 4, flushInterval: .seconds(60)))
        let batch = (0..<10).map { _ in SampleExchanges.oddball() }
        let accepted = writer.append(contentsOf: batch)
        #expect(accepted == 4, "an empty queue of 4 takes the first 4 of 10 and refuses the rest")
        try writer.close()
        #expect(writer.counters.dropped == 10 - accepted)
        #expect(writer.counters.written == accepted)
        // The queued ones are the first of the batch, in order.
        let read = try ArchiveReader(path: directory).exchanges().exchanges.map(\.id)
        #expect(read == batch.prefix(accepted).map(\.id))
        #expect(writer.append(contentsOf: batch) == 0, "a closed writer accepts nothing")
    }

    @Test func rotatesBySize() throws {
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try ArchiveWriter(
            configuration: .init(directory: directory, flushBytes: 4 << 10, rotateBytes: 16 << 10))
        var records: [Exchange] = []
        for n in 0..<30 { records += SampleExchanges.conversation(n, turns: 4) }
        for record in records { writer.appendWaiting(record) }
        try writer.close()
        let segments = try SampleExchanges.segments(in: directory)
        #expect(segments.count > 2)
        for segment in segments.dropLast() {
            let size = try FileManager.default.attributesOfItem(atPath: segment.path)[.size] as? Int ?? 0
            #expect(size < 16 << 10 + 64 << 10, "a segment stops growing soon after the limit")
            #expect(try SegmentReader(url: segment).seekTable != nil, "rotated segments are closed with a seek table")
        }
        let (read, issues) = try ArchiveReader(path: directory).exchanges()
        #expect(issues.isEmpty)
        expectSameRecords(read, records)
    }

    @Test func rotatesByAge() throws {
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try ArchiveWriter(
            configuration: .init(directory: directory, flushInterval: .milliseconds(10), rotateAge: .milliseconds(150)))
        writer.append(SampleExchanges.oddball())
        #expect(eventually { writer.counters.written == 1 }, "\(writer.counters)")
        // The writer thread closes the segment once its age passes 150 ms; a record appended
        // before that (a loaded machine) would still join it, so wait for the close itself.
        #expect(eventually { firstSegmentIsClosed(directory) }, "\(writer.counters)")
        writer.append(SampleExchanges.oddball())
        #expect(eventually { writer.counters.written == 2 }, "\(writer.counters)")
        let first = try SampleExchanges.segments(in: directory)
        #expect(first.count == 2)
        #expect(try SegmentReader(url: first[0]).seekTable != nil, "the aged segment was closed")
        try writer.close()
        #expect(try ArchiveReader(path: directory).exchanges().exchanges.count == 2)
    }

    @Test func flushesWithinTheInterval() throws {
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try ArchiveWriter(configuration: .init(directory: directory, flushInterval: .milliseconds(50)))
        let record = SampleExchanges.oddball()
        writer.append(record)
        // Written by the 50 ms flush timer, not by close (the default flush is seconds away).
        #expect(eventually { writer.counters.written == 1 }, "\(writer.counters)")
        // Readable before close: the frame is on disk, only the seek table is missing.
        let reader = try ArchiveReader(path: directory)
        let (read, issues) = try reader.exchanges()
        #expect(read.map(\.id) == [record.id])
        #expect(issues.map(\.kind) == [.missingSeekTable])
        try writer.close()
    }

    /// Live capture hands records over after the client has its answer; the crash-safety window
    /// counts from the answer's end, so a record that arrives late is written at once.
    @Test func liveCaptureCountsTheFlushIntervalFromTheExchangesEnd() throws {
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func writer(_ clock: ArchiveWriterConfiguration.FlushClock) throws -> ArchiveWriter {
            try ArchiveWriter(configuration: .init(
                directory: directory.appendingPathComponent("\(clock)"), flushInterval: .seconds(20), flushClock: clock))
        }
        let live = try writer(.exchangeEnd)
        let batch = try writer(.arrival)
        var late = SampleExchanges.oddball()
        late.timing.startMicros = Exchange.Timing.nowMicros() - 30_000_000  // ended ~30 s ago
        late.timing.endMs = 500
        live.append(late)
        batch.append(late)
        // 20 s intervals leave a loaded machine room: the live write must come long before the
        // batch writer's interval could end.
        #expect(eventually(within: 10) { live.counters.written == 1 },
                "an exchange that ended 29.5 s ago is past its 20 s flush interval: \(live.counters)")
        #expect(batch.counters.written == 0, "batch writers keep filling the frame for the full interval")
        try live.close()
        try batch.close()
    }

    @Test func repeatedHistoryIsStoredOnce() throws {
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let records = SampleExchanges.conversation(3, turns: 12)
        let writer = try ArchiveWriter(configuration: .init(directory: directory))
        for record in records { writer.append(record) }
        try writer.close()
        let segment = try SegmentReader(url: try SampleExchanges.segments(in: directory)[0])
        var stored = 0
        var lines: [String] = []
        _ = try segment.forEachLine { line, _ in
            stored += line.count + 1
            lines.append(String(decoding: line, as: UTF8.self))
        }
        let plain = records.reduce(0) { $0 + $1.jsonLine().count + 1 }
        #expect(stored * 2 < plain, "the system prompt and history are not repeated: \(stored) vs \(plain) bytes")
        #expect(lines[5].contains(#"{"$dup":""#))
        #expect(lines[5].hasPrefix(#"{"v":1,"$dedup":{"refs":"#))
        // The raw SSE body is derived from the events, so it is not stored.
        #expect(lines[0].contains(#""sse_body":true"#))
        #expect(try segment.exchange(id: records[7].id) == records[7])
    }

    @Test func failedWritesDropCountAndResume() throws {
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try ArchiveWriter(
            configuration: .init(directory: directory, flushInterval: .milliseconds(10), rotateAge: .milliseconds(50)))
        writer.append(SampleExchanges.oddball())
        #expect(eventually { writer.counters.written == 1 }, "\(writer.counters)")
        // The segment's age passes 50 ms and the writer closes it: the next record opens a new one.
        #expect(eventually { firstSegmentIsClosed(directory) }, "\(writer.counters)")
        // The directory vanishes (or the disk refuses): the record is dropped, nobody blocks.
        try FileManager.default.removeItem(at: directory)
        #expect(writer.append(SampleExchanges.oddball()))
        #expect(eventually { writer.counters.dropped == 1 }, "\(writer.counters)")
        let failed = writer.counters
        #expect(failed.dropped == 1)
        #expect(failed.writeErrors >= 1)
        #expect(failed.lastError?.contains(directory.path) == true)
        // Once writes succeed again the writer carries on by itself.
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let later = SampleExchanges.oddball()
        writer.append(later)
        try writer.close()
        #expect(writer.counters.written == 2)
        #expect(try ArchiveReader(path: directory).exchanges().exchanges.map(\.id) == [later.id])
    }

    @Test func streamedEventsWithUnicodeAndLineBreaksRoundTrip() throws {
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Neighbouring events share prefixes and suffixes that end inside multi-byte characters.
        let texts = [
            "héllo wörld", "héllo wörld", "héllö wörld", "😀 tab\there", "😁 tab\there", "line1\nline2", "", "\n",
            "end \"quoted\" \\ back",
        ]
        var events = texts.enumerated().map { i, text in
            SSEEvent(tMs: Double(i) * 10.125, event: i % 3 == 0 ? "content_block_delta" : nil, data: text)
        }
        events.append(SSEEvent(tMs: 99, event: "ping", data: #"{"type":"ping"}"#))
        for rendered in [true, false] {
            var record = SampleExchanges.oddball()
            let body = rendered ? Array("data: x\n\n".utf8) : Array("raw stream that differs\r\n".utf8)
            record.response = .init(status: 200, headers: [], body: HTTPBody(bytes: body), sse: events)
            if rendered {
                // A body that is exactly the rendering of the events is derived on read.
                var canonical: [UInt8] = []
                for event in events {
                    if let name = event.event { canonical += Array("event: \(name)\n".utf8) }
                    for line in event.data.split(separator: "\n", omittingEmptySubsequences: false) {
                        canonical += Array("data: \(line)\n".utf8)
                    }
                    canonical += [0x0A]
                }
                record.response?.body = HTTPBody(bytes: canonical)
            }
            let writer = try ArchiveWriter(configuration: .init(directory: directory))
            writer.append(record)
            try writer.close()
            #expect(writer.counters.bytesRaw == record.jsonLine().count + 1)
            let read = try #require(try ArchiveReader(path: directory).exchange(id: record.id))
            expectSameRecords([read], [record])
        }
    }

    @Test func plainSizeOfStreamsCountsEveryEscape() throws {
        // The writer stores events as deltas and counts what the plain line would have cost:
        // data dense with quotes, backslashes and control bytes at every offset must count exactly.
        let alphabet: [Character] = ["a", "\"", "\\", "\n", "\t", "\r", "\u{1}", "\u{8}", "\u{1F}", "é", "😀", " ", "{", ":"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let directory = try SampleExchanges.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let events = (0..<12).map { i in
                SSEEvent(
                    tMs: Double(i) * 1.5, event: i % 4 == 0 ? "delta \"\(i)\"" : nil,
                    data: String((0..<Int.random(in: 0...90, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
            }
            var record = SampleExchanges.oddball()
            record.response = .init(status: 200, headers: [], body: HTTPBody(bytes: Array("raw\n".utf8)), sse: events)
            let writer = try ArchiveWriter(configuration: .init(directory: directory))
            writer.append(record)
            try writer.close()
            #expect(writer.counters.bytesRaw == record.jsonLine().count + 1, "\(events.map(\.data))")
            let read = try #require(try ArchiveReader(path: directory).exchange(id: record.id))
            expectSameRecords([read], [record])
        }
    }
}

/// Whether the directory's first segment is closed: its seek table, written last, is there.
private func firstSegmentIsClosed(_ directory: URL) -> Bool {
    guard let first = try? SampleExchanges.segments(in: directory).first else { return false }
    return (try? SegmentReader(url: first).seekTable) != nil
}
