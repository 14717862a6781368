import Foundation
import Testing
import UnderstudyArchive

/// Records that look like agent traffic: a long system prompt, a growing conversation, and a
/// streamed answer whose raw body is the rendering of its SSE events.
enum SampleExchanges {
    static let system = String(repeating: "You are a careful coding agent. Use the tools. ", count: 80)

    static func conversation(_ n: Int, turns: Int, startMicros: Int64 = 1_790_000_000_000_000) -> [Exchange] {
        var messages: [JSONValue] = [["role": "system", "content": .string(system)]]
        var out: [Exchange] = []
        for turn in 0..<turns {
            messages.append([
                "role": "user", "content": .string("conversation \(n) turn \(turn): please fix bug #\(turn * 7 + n)"),
            ])
            let body: JSONValue = [
                "model": "gpt-4o", "stream": true, "messages": .array(messages),
                "tools": [["type": "function", "function": ["name": "read_file", "parameters": ["type": "object"]]]],
            ]
            let answer = "Answer \(n)/\(turn): I looked at the file and changed line \(turn)."
            var events: [SSEEvent] = []
            for (i, word) in answer.split(separator: " ").enumerated() {
                let chunk: JSONValue = [
                    "id": .string("chatcmpl-\(n)-\(turn)"), "object": "chat.completion.chunk",
                    "choices": [["index": 0, "delta": ["content": .string(String(word) + " ")]]],
                ]
                events.append(SSEEvent(tMs: Double(100 + i * 20) + 0.25, data: chunk.serialized()))
            }
            events.append(SSEEvent(tMs: 900, data: "[DONE]"))
            let raw = events.map { "data: \($0.data)\n\n" }.joined()
            let exchange = Exchange(
                id: ULID.generate(milliseconds: UInt64(startMicros / 1000) + UInt64(turn * 1000 + n)),
                capture: .init(
                    mode: .reverse, listener: "127.0.0.1:8080", client: "127.0.0.1:5\(n % 10)123",
                    upstream: "https://api.openai.com"),
                timing: .init(
                    startMicros: startMicros + Int64(turn) * 1_000_000 + Int64(n), firstByteMs: 100.5, endMs: 901.25),
                request: .init(
                    method: "POST", target: "/v1/chat/completions",
                    headers: [.init("Content-Type", "application/json"), .init("Authorization", "redacted:ab12")],
                    body: HTTPBody(bytes: body.serializedBytes())),
                response: .init(
                    status: 200, headers: [.init("content-type", "text/event-stream")],
                    body: HTTPBody(bytes: Array(raw.utf8)), sse: events),
                llm: .init(
                    provider: "openai", api: "chat.completions", model: "gpt-4o", stream: true,
                    assembled: ["role": "assistant", "content": .string(answer)],
                    usage: .init(inputTokens: 1000 + turn, outputTokens: 20)),
                outcome: .ok)
            out.append(exchange)
            messages.append(["role": "assistant", "content": .string(answer)])
        }
        return out
    }

    /// A record exercising every optional field and a non-JSON, truncated body.
    static func oddball() -> Exchange {
        Exchange(
            capture: .init(mode: .pcap, listener: nil, client: "10.0.0.1:1234", upstream: nil),
            timing: .init(startMicros: 1_790_000_123_456_789, firstByteMs: nil, endMs: 12.5),
            request: .init(
                method: "PUT", target: "/v1/files?x=1&y=\"2\"",
                headers: [.init("X-Odd", "tab\there \u{00e9}")],
                body: HTTPBody(bytes: [0, 1, 2, 255, 10, 13], truncated: true)),
            response: .init(
                status: 502, headers: [], body: HTTPBody(bytes: Array("  {\"spaced\": 1.0}\n".utf8)), sse: nil),
            llm: nil, outcome: .upstreamError, error: "upstream closed the connection",
            route: ["cluster": "c003", "verdict": "shadow"])
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "archive-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func segments(in directory: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".jsonl.zst") }
            .sorted()
            .map { directory.appendingPathComponent($0) }
    }

    /// A new directory holding `records` as one writer (default configuration) wrote them;
    /// the caller removes it.
    static func archive(_ records: [Exchange]) throws -> URL {
        try archiveCountingRawBytes(records).directory
    }

    /// `archive(_:)`, also returning the plain size the writer counted (`counters.bytesRaw`, the
    /// seek table's raw size that `archive ls` reports), which must be the records' plain lines.
    static func archiveCountingRawBytes(_ records: [Exchange]) throws -> (directory: URL, rawBytes: Int) {
        let directory = try temporaryDirectory()
        let writer = try ArchiveWriter(configuration: .init(directory: directory))
        for record in records { writer.append(record) }
        try writer.close()
        return (directory, writer.counters.bytesRaw)
    }

    /// The length of the records' plain lines (`Exchange.jsonLine()`), newlines included.
    static func plainSize(_ records: [Exchange]) -> Int {
        records.reduce(0) { $0 + $1.jsonLine().count + 1 }
    }

    /// The decoded lines of the segments under `directory`, in order.
    static func storedLines(in directory: URL) throws -> [String] {
        var lines: [String] = []
        for url in try segments(in: directory) {
            _ = try SegmentReader(url: url).forEachLine { line, _ in lines.append(String(decoding: line, as: UTF8.self)) }
        }
        return lines
    }
}

extension Exchange {
    /// Names the first field that differs from `other` (nil when equal), so failures stay short.
    func firstDifference(from other: Exchange) -> String? {
        if self == other { return nil }
        if id != other.id { return "id \(id) vs \(other.id)" }
        if capture != other.capture { return "capture \(capture) vs \(other.capture)" }
        if timing != other.timing { return "timing \(timing) vs \(other.timing)" }
        if request.method != other.request.method || request.target != other.request.target { return "request line" }
        if request.headers != other.request.headers { return "request headers" }
        if request.body != other.request.body {
            return
                "request body (\(request.body.bytes.count) vs \(other.request.body.bytes.count) bytes, truncated \(request.body.truncated) vs \(other.request.body.truncated))"
        }
        if response?.status != other.response?.status { return "response status" }
        if response?.headers != other.response?.headers { return "response headers" }
        if response?.body != other.response?.body {
            return
                "response body: \(String(decoding: (response?.body.bytes ?? []).prefix(80), as: UTF8.self)) vs \(String(decoding: (other.response?.body.bytes ?? []).prefix(80), as: UTF8.self))"
        }
        if response?.sse != other.response?.sse { return "sse" }
        if llm != other.llm { return "llm \(String(describing: llm)) vs \(String(describing: other.llm))" }
        if outcome != other.outcome { return "outcome" }
        if error != other.error { return "error" }
        return "route \(String(describing: route)) vs \(String(describing: other.route))"
    }
}

/// Compares two record lists, naming the first difference.
func expectSameRecords(_ read: [Exchange], _ written: [Exchange], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(
        read.count == written.count, "read \(read.count) records, wrote \(written.count)",
        sourceLocation: sourceLocation)
    for (i, (a, b)) in zip(read, written).enumerated() {
        if let difference = a.firstDifference(from: b) {
            Issue.record("record \(i) differs: \(difference)", sourceLocation: sourceLocation)
            return
        }
    }
}
