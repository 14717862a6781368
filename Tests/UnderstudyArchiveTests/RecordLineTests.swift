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

    @Test func millisecondsAreWrittenWithAtMostThreeDecimals() throws {
        func reference(_ ms: Double) -> String {
            let micros = Int64((ms * 1000).rounded())
            var text = "\(abs(micros) / 1000)." + String(String(abs(micros) % 1000 + 1000).dropFirst())
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return (micros < 0 ? "-" : "") + text
        }
        let values = [0, 0.5, 0.05, 0.0004, 0.0005, 0.001, 412.5, 1830.2, 12.345, 7.1239, 100, 1_000_000.001, -1.5, -0.25]
        var record = Self.record(llm: nil, capture: .init(mode: .reverse), error: nil)
        record.response?.sse = values.map { SSEEvent(tMs: $0, data: "{}") }
        for value in values {
            record.timing.firstByteMs = value
            let line = String(decoding: record.jsonLine(), as: UTF8.self)
            #expect(line.contains(#""first_byte_ms":\#(reference(value)),"#), "\(value)")
            #expect(line.contains(#"{"t_ms":\#(reference(value)),"event":null,"data":"{}"}"#), "\(value)")
        }
        // The writer's `sse_delta` form carries the same times.
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try ArchiveWriter(configuration: .init(directory: directory))
        writer.append(record)
        try writer.close()
        let read = try #require(try ArchiveReader(path: directory).exchanges().exchanges.first)
        #expect(read.response?.sse?.map(\.tMs) == values.map { Double(reference($0))! })
    }
}
