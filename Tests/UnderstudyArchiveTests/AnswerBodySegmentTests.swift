import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// `dedup-2` segments (answers stored once, `answer_body`) next to what else touches them: older
/// builds (kept off by the header version), `archive import` of stored lines, `repair`, `cat --id`,
/// and records whose own bytes look like the scheme's references.
struct AnswerBodySegmentTests {
    /// A ~2 KB system prompt every turn repeats, so turns after the first refer to it.
    static let systemPrompt = String(repeating: "You are a careful assistant; answer with the tool calls needed. ", count: 32)

    /// Turn `n` of one conversation: the system prompt, a new question, an unstreamed answer held
    /// as the body's bytes (`answer`, default: a chat completion naming the turn).
    static func turn(_ n: Int, answer: String? = nil, id: String? = nil) -> Exchange {
        let body =
            answer
            ?? #"{"id":"chatcmpl-\#(n)","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Answer to question \#(n)."},"finish_reason":"stop"}]}"#
        var record = AnswerBodyDedupTests.plainAnswer(n, body: body)
        let request: JSONValue = [
            "model": "gpt-4o",
            "messages": [["role": "system", "content": .string(systemPrompt)], ["role": "user", "content": .string("question \(n)")]],
        ]
        record.request.body = HTTPBody(bytes: request.serializedBytes())
        if let id { record.id = id }
        return record
    }

    @Test func aRepeatedPromptAndAnswersStoredOnceReadBackExactly() throws {
        // Turn 3's answer holds the reference marker itself: its line must be stored plain.
        let marked = #"{"id":"chatcmpl-3","choices":[{"message":{"role":"assistant","content":{"$dup":"12:34:56"}}}],"note":"an answer that looks like a reference"}"#
        let records = (0..<6).map { $0 == 3 ? Self.turn($0, answer: marked) : Self.turn($0) }
        #expect(Self.systemPrompt.utf8.count > 2000)
        let directory = try SampleExchanges.archive(records)
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = try SampleExchanges.storedLines(in: directory)
        #expect(lines.count == records.count)
        // Later turns refer to the prompt and leave the answer out, in one line.
        for i in [1, 2, 4, 5] {
            #expect(lines[i].hasPrefix(#"{"v":1,"$dedup":{"refs":1,"#), "line \(i): \(lines[i].prefix(100))")
            #expect(lines[i].contains(#""answer_body":true"#), "line \(i)")
            #expect(!lines[i].contains(Self.systemPrompt), "line \(i)")
        }
        #expect(lines[3] == String(decoding: records[3].jsonLine(), as: UTF8.self), "the marked answer's line is plain")
        let read = try ArchiveReader(path: directory).exchanges()
        #expect(read.issues.isEmpty)
        expectSameRecords(read.exchanges, records)
        #expect(read.exchanges.map { $0.jsonLine() } == records.map { $0.jsonLine() })
    }

    /// Builds before `dedup-2` read any scheme but `plain` as `dedup-1` and would drop
    /// `answer_body` records in `repair`; they refuse a header version other than 1 on opening.
    @Test func answerBodySegmentsCarryFormatVersionTwo() throws {
        let directory = try SampleExchanges.archive([Self.turn(0), Self.turn(1)])
        defer { try? FileManager.default.removeItem(at: directory) }
        let segment = try #require(try SampleExchanges.segments(in: directory).first)
        let reader = try SegmentReader(url: segment)
        #expect(reader.header.scheme == "dedup-2")
        #expect(reader.header.version == 2)
        // The header as an older build reads it: the JSON of the first (skippable) frame.
        let bytes = Array(try Data(contentsOf: segment))
        let size = Int(bytes[4]) | Int(bytes[5]) << 8 | Int(bytes[6]) << 16 | Int(bytes[7]) << 24
        let header = try JSONValue(parsing: bytes[8..<(8 + size)])
        #expect(header["version"]?.intValue == 2)

        // A version this reader does not know is refused by name.
        var unknown = bytes
        let text = String(decoding: bytes[8..<(8 + size)], as: UTF8.self).replacingOccurrences(
            of: #""version":2"#, with: #""version":3"#)
        unknown.replaceSubrange(8..<(8 + size), with: Array(text.utf8))
        let url = directory.appendingPathComponent("20261128T000000Z-test-1-9.jsonl.zst")
        try Data(unknown).write(to: url)
        #expect(throws: ArchiveError.unsupportedVersion(path: url.path, version: 3)) { try SegmentReader(url: url) }
    }

    /// `repair` re-encodes the records it keeps: answers stay stored once.
    @Test func repairKeepsAnswersStoredOnce() throws {
        let records = (0..<4).map { Self.turn($0) }
        let directory = try SampleExchanges.archive(records)
        defer { try? FileManager.default.removeItem(at: directory) }
        let segment = try #require(try SampleExchanges.segments(in: directory).first)
        // A torn tail: repair rewrites the segment.
        let handle = try FileHandle(forWritingTo: segment)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0x28, 0xB5, 0x2F, 0xFD, 0x04, 0x00]))
        try handle.close()
        let result = try SegmentRepair.repair(segment)
        #expect(result.rewritten && result.recordsKept == records.count)
        let lines = try SampleExchanges.storedLines(in: directory)
        #expect(lines.filter { $0.contains(#""answer_body":true"#) }.count == records.count)
        let read = try ArchiveReader(path: directory).exchanges()
        #expect(read.issues.isEmpty)
        #expect(read.exchanges.map { $0.jsonLine() } == records.map { $0.jsonLine() })
    }

    /// `archive cat --id` finds a record by an id of any length, also behind a `$dedup` member.
    @Test func aLongIDIsFoundInAStoredLine() throws {
        let long = String(repeating: "imported-session-7f3a-", count: 4)  // 88 characters
        let records = [Self.turn(0), Self.turn(1, id: long), Self.turn(2, id: long + "-2")]
        let directory = try SampleExchanges.archive(records)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try SampleExchanges.storedLines(in: directory)[1].hasPrefix(#"{"v":1,"$dedup""#))
        let segment = try #require(try SampleExchanges.segments(in: directory).first)
        let reader = try SegmentReader(url: segment)
        #expect(try reader.exchange(id: long)?.jsonLine() == records[1].jsonLine())
        #expect(try reader.exchange(id: long + "-2")?.jsonLine() == records[2].jsonLine())
        #expect(try reader.exchange(id: records[0].id)?.jsonLine() == records[0].jsonLine())
        #expect(try reader.exchange(id: String(long.dropLast())) == nil)
    }

    /// A line as `zstdcat` prints it is no record: read as one it would lose its answer.
    @Test func aStoredLineIsNotTakenForARecord() throws {
        let directory = try SampleExchanges.archive([Self.turn(0), Self.turn(1)])
        defer { try? FileManager.default.removeItem(at: directory) }
        let stored = try SampleExchanges.storedLines(in: directory)[1]
        #expect(stored.contains(#""answer_body":true"#))
        #expect {
            try Exchange(jsonLine: Array(stored.utf8))
        } throws: { error in
            "\(error)".contains("a stored segment line") && "\(error)".contains("archive cat")
        }

        try ArchiveCommandTests.requireBinary()
        let jsonl = directory.appendingPathComponent("from-zstdcat.jsonl")
        try Data((try SampleExchanges.storedLines(in: directory).joined(separator: "\n") + "\n").utf8).write(to: jsonl)
        let imported = try ProcessRunner.understudy([
            "archive", "import", jsonl.path, "--out", directory.appendingPathComponent("imported").path,
        ])
        #expect(imported.status == 1)
        #expect(imported.stderr.contains("from-zstdcat.jsonl:1"), "\(imported.stderr)")
        #expect(imported.stderr.contains("a stored segment line") && imported.stderr.contains("archive cat"))
    }

    /// An answer is taken as `assembled` only if the record line can hold it: the line parses
    /// `assembled` one level down, so 512 levels (the parser's limit) are one too many.
    @Test func anAnswerTooDeepForTheRecordLineIsNotTakenAsAssembled() throws {
        func nested(_ levels: Int) -> [UInt8] {
            Array((String(repeating: "[", count: levels) + String(repeating: "]", count: levels)).utf8)
        }
        var llm = Exchange.LLMInfo(provider: "openai", api: "chat.completions")
        let taken = llm.setAssembled(json: nested(JSONCursor.maximumDepth))
        #expect(!taken)
        #expect(!llm.hasAssembled)

        let deepest = String(decoding: nested(JSONCursor.maximumDepth - 1), as: UTF8.self)
        let records = [Self.turn(0), Self.turn(1, answer: deepest)]
        #expect(records[1].llm?.assembledJSON == nested(JSONCursor.maximumDepth - 1))
        let directory = try SampleExchanges.archive(records)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try SampleExchanges.storedLines(in: directory)[1].contains(#""answer_body":true"#))
        let read = try ArchiveReader(path: directory).exchanges()
        #expect(read.issues.isEmpty)
        #expect(read.exchanges.map { $0.jsonLine() } == records.map { $0.jsonLine() })
        // What `archive cat` prints reads back as a record.
        for record in read.exchanges { #expect(try Exchange(jsonLine: record.jsonLine()) == record) }
    }
}
