import Foundation
import Testing
import UnderstudyArchive

/// `adaptiveCompression`: frames get cheaper levels while records back up in the writer's queue
/// and the configured level again once it drained; every frame stays readable.
struct AdaptiveCompressionTests {
    @Test func levelFollowsTheBacklogWithinTheConfiguredBounds() {
        let frame = 1 << 20
        var c = ArchiveWriterConfiguration(directory: URL(fileURLWithPath: "/unused"), flushBytes: frame)
        #expect([0, 3, 10, 100].map { c.frameLevel(backlogBytes: $0 * frame) } == [6, 6, 6, 6], "off: always the level")
        c.adaptiveCompression = true
        #expect([0, 1, 3, 10, 100].map { c.frameLevel(backlogBytes: $0 * frame) } == [6, 6, 3, 1, 1])
        c.minimumCompressionLevel = -3
        #expect(c.frameLevel(backlogBytes: 100 * frame) == -3)
        c.compressionLevel = 2
        #expect([0, 3, 10].map { c.frameLevel(backlogBytes: $0 * frame) } == [2, 2, 1], "never above the configured level")
    }

    /// Waits (bounded) until the writer has written `count` records.
    func waitForWritten(_ writer: ArchiveWriter, _ count: Int) {
        let deadline = Date().addingTimeInterval(20)
        while writer.counters.written < count, Date() < deadline { usleep(10_000) }
    }

    @Test func aBurstIsCompressedCheaperThenTheLevelComesBackAndTheArchiveReads() throws {
        var records: [Exchange] = []
        for n in 0..<300 { records += SampleExchanges.conversation(n, turns: 5) }
        var counters: [ArchiveWriterCounters] = []
        for adaptive in [true, false] {
            let directory = try SampleExchanges.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            var configuration = ArchiveWriterConfiguration(
                directory: directory, flushInterval: .milliseconds(20), flushBytes: 16 << 10)
            configuration.adaptiveCompression = adaptive
            let writer = try ArchiveWriter(configuration: configuration)
            // One hand-off: the whole burst waits in the queue when the writer wakes.
            #expect(writer.append(contentsOf: records) == records.count)
            waitForWritten(writer, records.count)
            let afterBurst = writer.counters
            // A quiet record after the queue drained: its frame is at the configured level again.
            let quiet = SampleExchanges.conversation(999, turns: 1)
            writer.append(contentsOf: quiet)
            waitForWritten(writer, records.count + quiet.count)
            counters.append(writer.counters)
            #expect(writer.counters.framesBelowLevel == afterBurst.framesBelowLevel)
            try writer.close()
            let (read, issues) = try ArchiveReader(path: directory).exchanges()
            #expect(issues.isEmpty, "\(issues)")
            expectSameRecords(read, records + quiet)
        }
        #expect(counters[0].framesBelowLevel > 0, "the burst never lowered the level")
        #expect(counters[0].lastFrameLevel == 6)
        #expect(counters[1].framesBelowLevel == 0 && counters[1].lastFrameLevel == 6)
        // Cheaper levels cost some ratio: the adaptive run stored more bytes for the same records.
        #expect(counters[0].bytesRaw == counters[1].bytesRaw)
        #expect(counters[0].bytesStored > counters[1].bytesStored)
    }
}
