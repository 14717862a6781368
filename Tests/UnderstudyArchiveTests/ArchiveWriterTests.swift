import Foundation
import Testing
import UnderstudyArchive

struct ArchiveWriterTests {
    @Test func everyFieldRoundTrips() throws {
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let records = SampleExchanges.conversation(1, turns: 5) + [SampleExchanges.oddball()] + SampleExchanges.conversation(2, turns: 3)
        let writer = try ArchiveWriter(configuration: .init(directory: directory))
        for record in records { #expect(writer.append(record)) }
        try writer.close()
        let counters = writer.counters
        #expect(counters.written == records.count)
        #expect(counters.dropped == 0)
        let (read, issues) = try ArchiveReader(path: directory).exchanges()
        #expect(issues.isEmpty)
        expectSameRecords(read, records)
        // Bodies come back byte for byte.
        #expect(read[5].request.body.bytes == [0, 1, 2, 255, 10, 13])
        #expect(read[5].response?.body.bytes == Array("  {\"spaced\": 1.0}\n".utf8))
    }
}
