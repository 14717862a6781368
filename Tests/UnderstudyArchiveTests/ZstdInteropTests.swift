import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// Segments are plain zstd to other tools: `zstdcat seg | jq` must work, also on a torn segment.
struct ZstdInteropTests {
    static func shell(_ script: String) throws -> ProcessResult {
        try ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), ["-c", script])
    }

    @Test func zstdcatAndJqReadEverySegment() throws {
        try #require(
            try Self.shell("command -v zstdcat && command -v jq").status == 0,
            "zstd and jq are installed by tools/setup")
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (url, records) = try SegmentReaderTests.segment(in: directory)
        let result = try Self.shell("zstdcat '\(url.path)' | jq -r .id")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").map(String.init) == records.map(\.id))
        // `zstd -t` checks every frame's checksum and skips the metadata frames.
        #expect(try Self.shell("zstd -q -t '\(url.path)'").status == 0)
        // What plain readers see: the first turn complete, later turns with references.
        let messages = try Self.shell("zstdcat '\(url.path)' | jq -c '.request.body.messages[0]' | sed -n 2p").stdout
        #expect(messages.contains("$dup"))
    }

    @Test func zstdcatAndJqReadATornSegment() throws {
        try #require(
            try Self.shell("command -v zstdcat && command -v jq").status == 0,
            "zstd and jq are installed by tools/setup")
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (url, records) = try SegmentReaderTests.segment(in: directory, conversations: 12)
        let table = try #require(try SegmentReader(url: url).seekTable)
        let last = table.entries[table.entries.count - 1]
        let data = try Data(contentsOf: url)
        let torn = directory.appendingPathComponent("torn.jsonl.zst")
        try data.prefix(last.offset + last.storedSize / 2).write(to: torn)
        let result = try Self.shell("zstdcat '\(torn.path)' 2>/dev/null | jq -r .id")
        #expect(result.status == 0, "jq parses every line zstdcat gets out of a torn segment: \(result.stderr)")
        let ids = result.stdout.split(separator: "\n").map(String.init)
        #expect(ids.count >= records.count - last.records)
        #expect(
            Array(ids.prefix(records.count - last.records)) == records.prefix(records.count - last.records).map(\.id))
    }
}
