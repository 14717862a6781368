import Foundation
import Testing
import UnderstudyArchive

/// The archive writer keeps the formatted second of the last start time between records: the
/// bytes of every line must stay exactly those of the record written alone, whatever order the
/// times come in; header texts that need escaping are pinned as exact bytes.
struct RecordLineBytesTests {
    /// Lines as the writer stored them, in order.
    static func storedLines(_ records: [Exchange]) throws -> [String] {
        let directory = try SampleExchanges.archive(records)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try SampleExchanges.storedLines(in: directory)
    }

    @Test func startTimesAcrossSecondAndMillisecondBoundariesKeepTheirBytes() throws {
        let instants: [Int64] = [
            1_790_000_000_999_999, 1_790_000_001_000_000, 1_790_000_001_000_001,  // a second ends
            1_790_000_001_000_999, 1_790_000_001_001_000, 1_790_000_001_999_000,  // milliseconds
            1_790_000_000_500_000,  // an earlier second after a later one (starts finish out of order)
            -1, 0, 999_999, 1_000_000,  // the epoch from both sides
            253_402_300_799_999_999, 253_402_300_800_000_000,  // the last instant of year 9999, then 10000
            253_402_300_800_000_001,  // 10000 again: the long form must not have been kept
            253_402_300_799_000_000,  // the kept second of 9999, after the long form
            1_790_000_001_000_002,  // back to a second seen earlier
            -62_167_219_200_000_000, -62_167_219_200_000_001,  // year 0 begins; year −1
        ]
        let records = instants.map { micros in
            var record = RecordLineTests.record(llm: nil, capture: .init(mode: .reverse), error: nil)
            record.timing.startMicros = micros
            return record
        }
        let lines = try Self.storedLines(records)
        #expect(lines.count == records.count)
        for (line, (record, micros)) in zip(lines, zip(records, instants)) {
            #expect(line == String(decoding: record.jsonLine(), as: UTF8.self), "\(micros)")
            // The String-built formatter is the reference for the bytes themselves.
            #expect(line.contains(#""t":{"start":"\#(RFC3339.format(micros: micros))","#), "\(micros)")
        }
        #expect(lines[0].contains(#""start":"2026-09-21T14:13:20.999999Z""#))
        #expect(lines[1].contains(#""start":"2026-09-21T14:13:21.000000Z""#))
        #expect(lines[4].contains(#""start":"2026-09-21T14:13:21.001000Z""#))
        #expect(lines[7].contains(#""start":"1969-12-31T23:59:59.999999Z""#))
        #expect(lines[11].contains(#""start":"9999-12-31T23:59:59.999999Z""#))
    }

    @Test func headerPairsKeepTheirExactEscapes() throws {
        var record = RecordLineTests.record(llm: nil, capture: .init(mode: .reverse), error: nil)
        record.request.headers = [
            HTTPHeaderField("x-quote\"", "a\"b\\c"), HTTPHeaderField("x-controls", "nl\ncr\rtab\tnul\u{0}us\u{1F}"),
            HTTPHeaderField("x-utf8", "é 😀 \u{2028}"), HTTPHeaderField("", ""),
            HTTPHeaderField("content-type", "application/json"),
        ]
        record.response?.headers = [HTTPHeaderField("content-type", "application/json")]
        var bare = record
        bare.request.headers = []
        bare.response?.headers = []
        let lines = try Self.storedLines([record, bare])
        #expect(lines.count == 2)
        let requestHeaders =
            #""headers":[["x-quote\"","a\"b\\c"],["x-controls","nl\ncr\rtab\tnul\u0000us\u001f"],"#
            + #"["x-utf8","é 😀 \#u{2028}"],["",""],["content-type","application/json"]],"body":"#
        #expect(lines[0].contains(requestHeaders))
        #expect(lines[0].contains(#""status":200,"headers":[["content-type","application/json"]],"body":"#))
        #expect(lines[1].contains(#""target":"#) && lines[1].contains(#","headers":[],"body":"#))
        #expect(lines[1].contains(#""status":200,"headers":[],"body":"#))
        for (line, written) in zip(lines, [record, bare]) {
            #expect(line == String(decoding: written.jsonLine(), as: UTF8.self))
            expectSameRecords([try Exchange(jsonLine: Array(line.utf8))], [written])
        }
    }

    /// Lines are written into memory that starts small and grows (`LineBytes`: the frame starts
    /// at 64 KiB, a line alone at an estimate from its bodies): records far larger than either,
    /// among small ones, keep every byte, in the frame and alone, and read back as written.
    @Test func recordsLargerThanTheWritersFirstMemoryKeepTheirBytes() throws {
        let small = RecordLineTests.record(llm: nil, capture: .init(mode: .reverse), error: nil)
        var large = small
        // Headers whose escapes make them several times longer written than held (`\u0000` for
        // each NUL): beyond the alone-estimate, which counts bodies only.
        large.request.headers = (0..<200).map {
            HTTPHeaderField("x-\($0)", String(repeating: "\u{0}\"", count: 300))
        }
        let content = String(repeating: "ab\\\"é😀 ", count: 20_000)  // ~200 KB answer
        large.response?.body = HTTPBody(bytes: JSONValue.object([JSONMember("content", .string(content))]).serializedBytes())
        large.llm = .init(
            provider: "openai", api: "chat.completions", model: "m", stream: false,
            assembled: .object([JSONMember("content", .string(content + "\u{1}"))]), usage: nil)
        let records = [small, large, small, large, small]
        let lines = try Self.storedLines(records)
        #expect(lines.count == records.count)
        #expect(lines[1].utf8.count > 3 * 65_536)
        for (line, written) in zip(lines, records) {
            #expect(line == String(decoding: written.jsonLine(), as: UTF8.self))
            expectSameRecords([try Exchange(jsonLine: Array(line.utf8))], [written])
        }
    }
}
