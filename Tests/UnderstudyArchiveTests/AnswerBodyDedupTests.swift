import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// An unstreamed answer is its own assembled message: the recorder holds `llm.assembled` as the
/// response body's bytes (`LLMInfo.setAssembled(json:)`), and the writer stores those bytes once
/// (line scheme `dedup-2`: `"answer_body":true` in `$dedup`, `"assembled":null` in `llm`). Every
/// reader gets the record back whole, and segments of the earlier scheme (`dedup-1`, where the
/// answer is stored twice) still read.
struct AnswerBodyDedupTests {
    /// A chat completion answered without a stream; `assembled` set from `answer` as the
    /// recorder sets it, unless `assembled` says otherwise.
    static func plainAnswer(
        _ n: Int, body: String, truncated: Bool = false, assembled: Assembled = .fromBody
    ) -> Exchange {
        var record = SampleExchanges.conversation(n, turns: 1)[0]
        record.request.body = HTTPBody(bytes: Array(#"{"model":"gpt-4o","messages":[{"role":"user","content":"hi \#(n)"}]}"#.utf8))
        record.response = .init(
            status: 200, headers: [.init("content-type", "application/json")],
            body: HTTPBody(bytes: Array(body.utf8), truncated: truncated), sse: nil)
        var llm = Exchange.LLMInfo(provider: "openai", api: "chat.completions", model: "gpt-4o", stream: false)
        switch assembled {
        case .fromBody: llm.setAssembled(json: Array(body.utf8))
        case .value(let value): llm.assembled = value
        case .otherBytes(let bytes): llm.setAssembled(json: Array(bytes.utf8))
        }
        llm.usage = .init(inputTokens: 9, outputTokens: 3)
        record.llm = llm
        return record
    }

    enum Assembled {
        case fromBody
        case value(JSONValue)
        case otherBytes(String)
    }

    static let compactAnswer =
        #"{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Café \"quoted\" \\ back\nslash é 😀"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":3}}"#

    @Test func anAnswerHeldAsItsBodyIsStoredOnceAndReadBackWhole() throws {
        let spaced = #"{"id": "chatcmpl-2", "choices": [{"message": {"content": "spaced"}}]}"#
        let cases: [(record: Exchange, storedOnce: Bool)] = [
            (Self.plainAnswer(0, body: Self.compactAnswer), true),
            (Self.plainAnswer(1, body: #"{"error":{"message":"Rate limit reached for gpt-4o in organization org-x.","code":429}}"#), true),
            (Self.plainAnswer(2, body: "[" + (0..<40).map { "\($0).50" }.joined(separator: ",") + #","x"]"#), true),
            // Shorter than a reference is worth: repeated.
            (Self.plainAnswer(8, body: #"{"error":{"code":429}}"#), false),
            // Not compact: `assembled` is a parsed value, written compact, unlike the body.
            (Self.plainAnswer(3, body: spaced), false),
            (Self.plainAnswer(9, body: Self.compactAnswer.replacingOccurrences(of: "Café", with: #"Caf\u00e9"#)), false),
            // A value equal to the body but not held as its bytes: the writer does not compare values.
            (Self.plainAnswer(4, body: Self.compactAnswer, assembled: .value(try JSONValue(parsing: Array(Self.compactAnswer.utf8)))), false),
            // Bytes other than the body's.
            (Self.plainAnswer(5, body: Self.compactAnswer, assembled: .otherBytes(#"{"content":"other"}"#)), false),
            // A truncated body is stored base64; its assembled message stays in the line.
            (Self.plainAnswer(6, body: Self.compactAnswer, truncated: true), false),
            // A stream: assembled from its events.
            (SampleExchanges.conversation(7, turns: 1)[0], false),
        ]
        let records = cases.map(\.record)
        #expect(records[0].llm?.assembledJSON == records[0].response?.body.bytes)

        let directory = try SampleExchanges.archive(records)
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = try SampleExchanges.storedLines(in: directory)
        #expect(lines.count == records.count)
        for (i, (line, c)) in zip(lines, cases).enumerated() {
            #expect(line.contains(#""answer_body":true"#) == c.storedOnce, "record \(i): \(line)")
            // What `zstdcat | jq` shows: the answer once, as the response body.
            let stored = try JSONValue(parsing: Array(line.utf8))
            if c.storedOnce {
                #expect(stored["llm"]?["assembled"] == .null, "record \(i)")
                #expect(stored["response"]?["body"] == (try JSONValue(parsing: c.record.response!.body.bytes)), "record \(i)")
                #expect(line.utf8.count < c.record.jsonLine().count, "record \(i)")
            } else {
                #expect(stored["llm"]?["assembled"] != .null, "record \(i)")
            }
        }
        // `archive cat`, replay and distill read through here: each record exactly as written.
        let read = try ArchiveReader(path: directory).exchanges().exchanges
        expectSameRecords(read, records)
        #expect(read.map { $0.jsonLine() } == records.map { $0.jsonLine() })
        #expect(read[0].llm?.assembled?["choices"]?[0]?["message"]?["content"]?.stringValue == "Café \"quoted\" \\ back\nslash é 😀")
    }

    /// The seek table's raw size (what `archive ls` and `stats` report) stays the plain lines'
    /// length when the answer is stored once.
    @Test func rawSizeCountsTheAnswerLeftOut() throws {
        let records = (0..<20).map { Self.plainAnswer($0, body: Self.compactAnswer) }
        let (directory, rawBytes) = try SampleExchanges.archiveCountingRawBytes(records)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(rawBytes == SampleExchanges.plainSize(records))
        let stored = try SampleExchanges.storedLines(in: directory).reduce(0) { $0 + $1.utf8.count + 1 }
        #expect(stored < rawBytes - records.count * Self.compactAnswer.utf8.count / 2)
    }

    /// A segment the writer of the previous scheme wrote (`dedup-1`, before `answer_body`:
    /// `Fixtures/dedup-1.jsonl.zst`, made by `archive import` of `Fixtures/dedup-1.jsonl` with
    /// that build) reads back as the records it was made from.
    @Test func segmentsOfTheEarlierSchemeStillRead() throws {
        let fixtures = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/UnderstudyArchiveTests/Fixtures")
        let segment = fixtures.appendingPathComponent("dedup-1.jsonl.zst")
        let reader = try SegmentReader(url: segment)
        #expect(reader.header.scheme == "dedup-1")
        var stored: [String] = []
        _ = try reader.forEachLine { line, _ in stored.append(String(decoding: line, as: UTF8.self)) }
        // The fixture uses each form of the scheme: references, a derived SSE body, delta events,
        // and an answer stored twice.
        #expect(stored.contains { $0.contains(#"{"$dup":""#) })
        #expect(stored.contains { $0.contains(#""sse_body":true"#) && $0.contains(#""sse_delta":true"#) })
        #expect(stored.contains { !$0.contains(#""sse_body":true"#) && $0.contains(#""assembled":{"id":"#) })
        #expect(!stored.contains { $0.contains("answer_body") })

        let expected = try String(contentsOf: fixtures.appendingPathComponent("dedup-1.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { Array($0.utf8) }
        let read = try ArchiveReader(path: segment).exchanges()
        #expect(read.issues.isEmpty)
        #expect(read.exchanges.map { $0.jsonLine() } == expected)
    }

    /// A segment whose line scheme this reader does not know is refused by name, not misread.
    @Test func anUnknownLineSchemeIsRefused() throws {
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let payload = Array(
            #"{"format":"understudy-archive","version":1,"writer":"test","created":"2026-11-28T00:00:00.000000Z","scheme":"dedup-9"}"#
                .utf8)
        var bytes: [UInt8] = [0x50, 0x2A, 0x4D, 0x18]  // skippable frame 0x184D2A50, little-endian
        withUnsafeBytes(of: UInt32(payload.count).littleEndian) { bytes += $0 }
        bytes += payload
        let url = directory.appendingPathComponent("20261128T000000Z-test-1-0.jsonl.zst")
        try Data(bytes).write(to: url)
        #expect(throws: ArchiveError.unsupportedScheme(path: url.path, scheme: "dedup-9")) {
            try SegmentReader(url: url)
        }
    }
}
