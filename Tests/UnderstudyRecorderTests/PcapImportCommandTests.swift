import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// `understudy import-pcap` end to end: the binary, a crafted capture, the archive it writes.
struct PcapImportCommandTests {
    func scratch() throws -> URL {
        try #require(
            FileManager.default.isExecutableFile(atPath: TestEnvironment.binary.path),
            "the understudy binary is missing: run `swift build --product understudy` (tools/test builds it)")
        let directory = try TestEnvironment.temporaryDirectory("pcap-cli")
        try Data("[redaction]\nkey = \"\(String(repeating: "ab", count: 32))\"\n".utf8)
            .write(to: directory.appendingPathComponent("understudy.toml"))
        return directory
    }

    @Test func importsACaptureIntoAnArchiveAndSummarizesIt() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        var flow = PcapTestFlow()
        var segments = flow.handshake()
        for _ in 0..<2 {
            segments += flow.send(PcapImporterTests.post(PcapImporterTests.chatRequest), fromClient: true)
            segments += flow.send(PcapImporterTests.ok(PcapImporterTests.chatResponse), fromClient: false)
        }
        segments += flow.close()
        var tls = PcapTestFlow(client: ([127, 0, 0, 1], 40_100), server: ([127, 0, 0, 1], 443))
        segments += tls.handshake() + tls.send([0x16, 0x03, 0x01, 0, 1, 1], fromClient: true) + tls.close()
        let pcap = directory.appendingPathComponent("in.pcapng")
        try PcapTestCapture(segments: segments).write(to: pcap, pcapng: true)

        let out = directory.appendingPathComponent("archive")
        let result = try ProcessRunner.understudy(
            ["import-pcap", pcap.path, "--out", out.path, "--json", "--config",
             directory.appendingPathComponent("understudy.toml").path])
        try #require(result.status == 0, "import-pcap failed: \(result.stderr)")
        let summary = try JSONValue(parsing: Array(result.stdout.utf8))
        #expect(summary["packets"]?.intValue == segments.count)
        #expect(summary["flows"]?.intValue == 2)
        #expect(summary["exchanges"]?.intValue == 2)
        #expect(summary["incomplete"]?.intValue == 0)
        #expect(summary["tls_skipped"]?.intValue == 1)
        #expect(summary["written"]?.intValue == 2)
        #expect((summary["mb_per_s"]?.doubleValue ?? 0) > 0)

        let cat = try ProcessRunner.understudy(["archive", "cat", out.path])
        try #require(cat.status == 0, "archive cat failed: \(cat.stderr)")
        let records = try cat.stdout.split(separator: "\n").map { try Exchange(jsonLine: Array($0.utf8)) }
        #expect(records.count == 2)
        #expect(records.allSatisfy { $0.capture.mode == .pcap && $0.llm?.api == "chat.completions" })
        #expect(!cat.stdout.contains("sk-secret-123"))
    }

    @Test func printsAReadableSummaryWithoutJSON() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        var flow = PcapTestFlow()
        let segments = flow.handshake() + flow.send(PcapImporterTests.post(PcapImporterTests.chatRequest), fromClient: true)
        let pcap = directory.appendingPathComponent("in.pcap")
        try PcapTestCapture(segments: segments).write(to: pcap)
        let result = try ProcessRunner.understudy(
            ["import-pcap", pcap.path, "--out", directory.appendingPathComponent("a").path, "--config",
             directory.appendingPathComponent("understudy.toml").path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("exchanges    1 (1 incomplete)"))
    }

    @Test func failsWithAnExplanationOnAFileThatIsNotACapture() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bogus = directory.appendingPathComponent("notes.txt")
        try Data("hello\n".utf8).write(to: bogus)
        let result = try ProcessRunner.understudy(
            ["import-pcap", bogus.path, "--out", directory.appendingPathComponent("a").path, "--config",
             directory.appendingPathComponent("understudy.toml").path])
        #expect(result.status == 1)
        #expect(result.stderr.contains(bogus.path))
    }

    @Test func rejectsABadPortAsUsageError() throws {
        let result = try ProcessRunner.understudy(["import-pcap", "x.pcap", "--out", "/tmp/x", "--port", "70000"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("70000"))
    }
}
