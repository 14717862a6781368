import Foundation
import Testing
import UnderstudyArchive

/// The record line is written straight into the frame, piece by piece (no `JSONValue` of the
/// record): every field, escape and optional must still come back exactly.
struct RecordLineTests {
    static let awkward = "quote \" backslash \\ newline \n cr \r tab \t nul \u{0} bell \u{7} sep \u{2028} é 😀 \u{1F}"

    static func record(llm: Exchange.LLMInfo?, capture: Exchange.Capture, error: String?) -> Exchange {
        var e = Exchange(
            capture: capture, timing: .init(startMicros: 1_790_000_000_123_456, firstByteMs: 0.5, endMs: nil),
            request: .init(
                method: "POST", target: "/v1/chat/completions?x=\"\(awkward)",
                headers: [HTTPHeaderField("X-Odd\"", awkward), HTTPHeaderField("content-type", "application/json")],
                body: HTTPBody(bytes: Array(#"{"model":"gpt-4o","messages":[]}"#.utf8))),
            response: .init(status: 200, headers: [], body: HTTPBody(bytes: Array(#"{"ok":"\u00e9\n"}"#.utf8))),
            llm: llm, outcome: .clientAborted, error: error, route: ["who": .string(awkward), "n": .number("1.5")])
        e.redactedBodySecrets = 2
        return e
    }

    @Test func everyOptionalAndEscapeRoundTrips() throws {
        let assembled: JSONValue = [
            "content": .string(Self.awkward), "n": .number("1.0e3"), "list": [nil, true, false, [], [:]],
            Self.awkward: "key with escapes",
        ]
        let variants: [Exchange] = [
            Self.record(
                llm: .init(provider: "openai", api: "chat.completions", model: "gpt-4o", stream: true,
                           assembled: assembled, usage: .init(inputTokens: 12, outputTokens: nil)),
                capture: .init(mode: .reverse, listener: "127.0.0.1:8080", client: Self.awkward, upstream: nil),
                error: Self.awkward),
            Self.record(
                llm: .init(provider: "anthropic", api: "messages", model: nil, stream: false, assembled: nil, usage: nil),
                capture: .init(mode: .pcap), error: nil),
            Self.record(llm: nil, capture: .init(mode: .forward, upstream: "https://api.openai.com"), error: nil),
        ]
        for record in variants {
            let line = record.jsonLine()
            #expect(!line.contains(0x0A) && !line.contains(0x0D), "one line per record")
            #expect(JSONValue.isValid(line))
            let value = try JSONValue(parsing: line)
            #expect(value["llm"]?["usage"]?["output_tokens"]?.isNull ?? true)
            let read = try Exchange(jsonLine: line)
            expectSameRecords([read], [record])
            #expect(read.redactedBodySecrets == 2)
        }
        // Through the writer (its dedup scheme writes the same pieces) and back.
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try ArchiveWriter(configuration: .init(directory: directory))
        for record in variants { writer.append(record) }
        try writer.close()
        expectSameRecords(try ArchiveReader(path: directory).exchanges().exchanges, variants)
    }

    @Test func startTimeIsWrittenAsRFC3339() throws {
        let instants: [Int64] = [0, 1, 999_999, 1_790_000_000_123_456, 951_782_400_000_000, 253_402_300_799_999_999, -1]
        for micros in instants {
            var record = Self.record(llm: nil, capture: .init(mode: .reverse), error: nil)
            record.timing.startMicros = micros
            let value = try JSONValue(parsing: record.jsonLine())
            let start = value["t"]?["start"]?.stringValue
            #expect(start == RFC3339.format(micros: micros), "\(micros)")
            #expect(start.flatMap(RFC3339.parse) == micros, "\(micros)")
        }
    }

    @Test func bodiesMarkedAsJSONStillKeepTheirExactBytes() throws {
        // The hint spares validation only: whitespace around the value or a line break inside it
        // still sends the body to body_b64, so the bytes come back exactly.
        let bodies = [" {\"a\":1}", "{\"a\":\n1}", "{\"a\":1}", "[1,\r2]", "{\"a\":\"sk\"}"]
        var record = Self.record(llm: nil, capture: .init(mode: .reverse), error: nil)
        for text in bodies {
            var body = HTTPBody(bytes: Array(text.utf8))
            body.isKnownJSON = true
            record.request.body = body
            record.response?.body = body
            let line = record.jsonLine()
            let read = try Exchange(jsonLine: line)
            #expect(read.request.body.bytes == Array(text.utf8), "\(text)")
            #expect(read.response?.body.bytes == Array(text.utf8), "\(text)")
            let verbatim = !text.contains("\n") && !text.contains("\r") && !text.hasPrefix(" ")
            #expect(String(decoding: line, as: UTF8.self).contains(#""body":null,"body_b64":"#) == !verbatim, "\(text)")
        }
    }
}
