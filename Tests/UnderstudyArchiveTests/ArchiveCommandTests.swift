import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// `understudy archive …` run as users run it (the binary that tools/test builds).
struct ArchiveCommandTests {
    static func requireBinary() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: TestEnvironment.binary.path),
            "build the binary first: swift build --product understudy (tools/test does)")
    }

    static func anthropicExchange() -> Exchange {
        let body: JSONValue = [
            "model": "claude-sonnet-4", "max_tokens": 1024, "system": "You fix bugs.",
            "messages": [
                ["role": "user", "content": "Fix the failing test."],
                [
                    "role": "assistant",
                    "content": [
                        ["type": "tool_use", "id": "toolu_1", "name": "run_tests", "input": ["path": "Tests"]]
                    ],
                ],
                [
                    "role": "user",
                    "content": [["type": "tool_result", "tool_use_id": "toolu_1", "content": "1 failure: testParse"]],
                ],
            ],
            "tools": [["name": "run_tests", "description": "Runs the tests.", "input_schema": ["type": "object"]]],
        ]
        let answer: JSONValue = [
            "role": "assistant", "content": [["type": "text", "text": "The parser drops the last byte."]],
        ]
        return Exchange(
            capture: .init(mode: .reverse, upstream: "https://api.anthropic.com"),
            timing: .init(startMicros: 1_790_000_500_000_000, firstByteMs: 50, endMs: 90),
            request: .init(
                method: "POST", target: "/v1/messages", headers: [.init("content-type", "application/json")],
                body: HTTPBody(bytes: body.serializedBytes())),
            response: .init(
                status: 200, headers: [.init("content-type", "application/json")],
                body: HTTPBody(bytes: Array(#"{"type":"message"}"#.utf8))),
            llm: .init(provider: "anthropic", api: "messages", model: "claude-sonnet-4", assembled: answer))
    }

    static func archive(_ records: [Exchange], in directory: URL, flushBytes: Int = 1 << 20) throws {
        let writer = try ArchiveWriter(configuration: .init(directory: directory, flushBytes: flushBytes))
        for record in records { writer.appendWaiting(record) }
        try writer.close()
    }

    @Test func verifyNamesSegmentAndOffsetAndRepairFixesIt() throws {
        try Self.requireBinary()
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var records: [Exchange] = []
        for n in 0..<6 { records += SampleExchanges.conversation(n, turns: 4) }
        try Self.archive(records, in: directory, flushBytes: 16 << 10)
        #expect(try ProcessRunner.understudy(["archive", "verify", directory.path]).status == 0)

        let url = try SampleExchanges.segments(in: directory)[0]
        let table = try #require(try SegmentReader(url: url).seekTable)
        let last = table.entries[table.entries.count - 1]
        try Data(contentsOf: url).prefix(last.offset + 10).write(to: url)
        let failed = try ProcessRunner.understudy(["archive", "verify", directory.path])
        #expect(failed.status == 1)
        #expect(
            failed.stderr.contains(url.lastPathComponent) && failed.stderr.contains("byte \(last.offset)"),
            "\(failed.stderr)")

        let repaired = try ProcessRunner.understudy(["archive", "repair", directory.path])
        #expect(repaired.status == 0, "\(repaired.stderr)")
        #expect(try ProcessRunner.understudy(["archive", "verify", directory.path]).status == 0)
        let (read, issues) = try ArchiveReader(path: directory).exchanges()
        #expect(issues.isEmpty)
        expectSameRecords(read, Array(records.prefix(records.count - last.records)))
    }

    @Test func catPrintsPlainRecordsAndStatsCounts() throws {
        try Self.requireBinary()
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let records = SampleExchanges.conversation(1, turns: 6) + [Self.anthropicExchange()]
        try Self.archive(records, in: directory)
        let cat = try ProcessRunner.understudy(["archive", "cat", directory.path])
        #expect(cat.status == 0)
        #expect(cat.stdout == records.map { String(decoding: $0.jsonLine(), as: UTF8.self) + "\n" }.joined())
        let one = try ProcessRunner.understudy(["archive", "cat", directory.path, "--id", records[3].id])
        #expect(one.stdout == String(decoding: records[3].jsonLine(), as: UTF8.self) + "\n")

        let stats = try ProcessRunner.understudy(["archive", "stats", directory.path, "--json"])
        #expect(stats.status == 0, "\(stats.stderr)")
        let json = try JSONValue(parsing: stats.stdout)
        #expect(json["records"]?.intValue == records.count)
        #expect(json["bytes_raw"]?.intValue == records.reduce(0) { $0 + $1.jsonLine().count + 1 })
        #expect((json["ratio"]?.doubleValue ?? 0) > 1)
        #expect(json["providers"]?["openai"]?.intValue == 6)
        #expect(json["models"]?["claude-sonnet-4"]?.intValue == 1)
        let notArchive = try ProcessRunner.understudy(["archive", "stats", "/etc/hostname"])
        #expect(notArchive.status == 1)
        #expect(notArchive.stderr.contains("not an Understudy archive segment"))
    }

    @Test func importExportRoundTrips() throws {
        try Self.requireBinary()
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let records = SampleExchanges.conversation(2, turns: 3) + [Self.anthropicExchange(), SampleExchanges.oddball()]
        let jsonl = directory.appendingPathComponent("in.jsonl")
        try Data(records.map { String(decoding: $0.jsonLine(), as: UTF8.self) + "\n" }.joined().utf8).write(to: jsonl)
        let archive = directory.appendingPathComponent("a")
        let imported = try ProcessRunner.understudy(["archive", "import", jsonl.path, "--out", archive.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        expectSameRecords(try ArchiveReader(path: archive).exchanges().exchanges, records)

        // HAR out and back in: method, URL, headers, bodies and status survive.
        let har = directory.appendingPathComponent("out.har")
        #expect(
            try ProcessRunner.understudy(["archive", "export", archive.path, "--format", "har", "--out", har.path])
                .status == 0)
        let document = try JSONValue(parsing: Array(try Data(contentsOf: har)))
        #expect(document["log"]?["version"]?.stringValue == "1.2")
        #expect(document["log"]?["entries"]?.arrayValue?.count == records.count)
        let back = directory.appendingPathComponent("b")
        #expect(try ProcessRunner.understudy(["archive", "import", har.path, "--out", back.path]).status == 0)
        let reimported = try ArchiveReader(path: back).exchanges().exchanges
        #expect(reimported.count == records.count)
        for (a, b) in zip(reimported, records) {
            #expect(a.request.body == HTTPBody(bytes: b.request.body.bytes))
            #expect(a.request.target == b.request.target && a.request.headers == b.request.headers)
            #expect(a.response?.status == b.response?.status && a.response?.body.bytes == b.response?.body.bytes)
        }
        #expect(reimported[0].response?.sse?.map(\.data) == records[0].response?.sse?.map(\.data))

        // OpenAI fine-tune JSONL: OpenAI requests keep their messages, Anthropic ones are converted.
        let export = try ProcessRunner.understudy(["archive", "export", archive.path, "--format", "openai-jsonl"])
        #expect(export.status == 0, "\(export.stderr)")
        let lines = try export.stdout.split(separator: "\n").map { try JSONValue(parsing: String($0)) }
        #expect(lines.count == 4, "the oddball is no chat call")
        let anthropic = try #require(lines.last)
        let roles = anthropic["messages"]?.arrayValue?.compactMap { $0["role"]?.stringValue }
        #expect(roles == ["system", "user", "assistant", "tool", "assistant"])
        #expect(anthropic["messages"]?[2]?["tool_calls"]?[0]?["function"]?["name"]?.stringValue == "run_tests")
        #expect(anthropic["messages"]?[3]?["content"]?.stringValue == "1 failure: testParse")
        #expect(anthropic["messages"]?[4]?["content"]?.stringValue == "The parser drops the last byte.")
        #expect(anthropic["tools"]?[0]?["function"]?["parameters"]?["type"]?.stringValue == "object")
        #expect(lines[0]["messages"]?.arrayValue?.last?["role"]?.stringValue == "assistant")

        let bad = directory.appendingPathComponent("bad.jsonl")
        try Data("{\"v\":1}\n".utf8).write(to: bad)
        let failed = try ProcessRunner.understudy([
            "archive", "import", bad.path, "--out", directory.appendingPathComponent("c").path,
        ])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("bad.jsonl:1"))
    }
}
