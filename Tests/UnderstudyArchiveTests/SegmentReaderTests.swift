import Foundation
import Testing
import UnderstudyArchive

struct SegmentReaderTests {
    /// A closed segment of several frames, and the records in it.
    static func segment(in directory: URL, conversations: Int = 6) throws -> (URL, [Exchange]) {
        var records: [Exchange] = []
        for n in 0..<conversations { records += SampleExchanges.conversation(n, turns: 4) }
        let writer = try ArchiveWriter(configuration: .init(directory: directory, flushBytes: 16 << 10))
        for record in records { writer.appendWaiting(record) }
        try writer.close()
        return (try SampleExchanges.segments(in: directory)[0], records)
    }

    @Test func tornLastFrameAtEveryByteIsReportedAndEarlierRecordsKept() throws {
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (url, records) = try Self.segment(in: directory)
        let table = try #require(try SegmentReader(url: url).seekTable)
        #expect(table.entries.count >= 3)
        let last = table.entries[table.entries.count - 1]
        let kept = records.count - last.records
        let original = try Data(contentsOf: url)
        let cut = directory.appendingPathComponent("cut.jsonl.zst")
        for length in (last.offset + 1)..<(last.offset + last.storedSize) {
            try original.prefix(length).write(to: cut)
            let segment = try SegmentReader(url: cut)
            var read: [Exchange] = []
            let issues = try segment.scan { read.append($0) }
            #expect(read.count == kept, "cut at \(length)")
            #expect(issues.contains { $0.kind == .tornTail && $0.offset == last.offset }, "cut at \(length): \(issues)")
            if read.count != kept { break }
        }
        expectSameRecords(try ArchiveReader(path: cut).exchanges().exchanges, Array(records.prefix(kept)))
    }

    @Test func bitFlipsAreCaughtAndNeverReturnedAsRecords() throws {
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (url, records) = try Self.segment(in: directory)
        let byID = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
        let table = try #require(try SegmentReader(url: url).seekTable)
        let original = try Data(contentsOf: url)
        let flipped = directory.appendingPathComponent("flipped.jsonl.zst")
        var trials = 0
        for entry in table.entries {
            for position in stride(from: entry.offset, to: entry.offset + entry.storedSize, by: 53) {
                var bytes = original
                bytes[position] ^= 0x10
                try bytes.write(to: flipped)
                var read: [Exchange] = []
                let issues = try SegmentReader(url: flipped).scan { read.append($0) }
                trials += 1
                // A flip the reader does not notice must be one that changes nothing (a bit of a
                // frame header that decoding ignores, such as the window size): then every record
                // comes back exactly. Otherwise it must be reported.
                if issues.filter(\.losesData).isEmpty {
                    #expect(read.count == records.count, "flip at byte \(position) lost records unnoticed")
                }
                for exchange in read {
                    #expect(byID[exchange.id] == exchange, "flip at byte \(position) changed record \(exchange.id)")
                }
            }
        }
        #expect(trials > 20)
    }

    @Test func unknownFormatVersionIsNamed() throws {
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let payload = Array(#"{"format":"understudy-archive","version":7,"writer":"future"}"#.utf8)
        var bytes: [UInt8] = [0x50, 0x2A, 0x4D, 0x18]
        let size = UInt32(payload.count)
        bytes += [UInt8(size & 0xFF), UInt8(size >> 8 & 0xFF), 0, 0] + payload
        let url = directory.appendingPathComponent("future.jsonl.zst")
        try Data(bytes).write(to: url)
        #expect {
            _ = try SegmentReader(url: url)
        } throws: { error in
            "\(error)".contains("format version 7") && "\(error)".contains("future.jsonl.zst")
        }
    }

    @Test func nonArchiveFilesGetAClearError() throws {
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = directory.appendingPathComponent("notes.jsonl.zst")
        try Data("hello, this is not zstd\n".utf8).write(to: text)
        #expect {
            _ = try SegmentReader(url: text)
        } throws: { "\($0)".contains("notes.jsonl.zst is not an Understudy archive segment") }
        let empty = directory.appendingPathComponent("empty.jsonl.zst")
        try Data().write(to: empty)
        #expect { _ = try SegmentReader(url: empty) } throws: { "\($0)".contains("too short") }
        #expect { _ = try ArchiveReader(path: directory.appendingPathComponent("missing")) } throws: {
            "\($0)".contains("does not exist")
        }
    }

    @Test func lookupByIDAndTimeRange() throws {
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (_, records) = try Self.segment(in: directory)
        let reader = try ArchiveReader(path: directory)
        for record in [records[0], records[records.count / 2], records[records.count - 1]] {
            #expect(try reader.exchange(id: record.id) == record)
        }
        #expect(try reader.exchange(id: "01ZZZZZZZZZZZZZZZZZZZZZZZZ") == nil)
        let sorted = records.map(\.timing.startMicros).sorted()
        let low = sorted[5]
        let high = sorted[sorted.count - 6]
        let range = Date(timeIntervalSince1970: Double(low) / 1e6)...Date(timeIntervalSince1970: Double(high) / 1e6)
        let (inRange, _) = try reader.exchanges(timeRange: range)
        let expected = records.filter { $0.timing.startMicros >= low && $0.timing.startMicros <= high }
        #expect(Set(inRange.map(\.id)) == Set(expected.map(\.id)))
        #expect(inRange.count < records.count)
    }
}
