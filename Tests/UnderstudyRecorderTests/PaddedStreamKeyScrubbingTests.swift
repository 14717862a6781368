import Foundation
import NIOCore
import Testing
import UnderstudyArchive
import UnderstudyRecorder
import UnderstudyTestSupport
import UnderstudyWire

/// Keys in OpenAI's padded streams (each chunk ends with a random `obfuscation` value, on by
/// default): a key pasted into a delta at any offset of its token, one in a padding value, and
/// one split across two chunks' deltas never reach the archive: not in the body, its events nor
/// the assembled message.
struct PaddedStreamKeyScrubbingTests {
    let redactor = HeaderRedactor(key: RedactionKey(bytes: Array(repeating: 7, count: 32)))
    static let key = "sk-proj-AAAAbbbbCCCCddddEEEEffff0001"

    static func paddedChunk(_ token: String, padding: String) -> String {
        #"data: {"id":"chatcmpl-2aXK7uT6CcJK3nQVUTbX6pCG4E4rW","object":"chat.completion.chunk","created":1795854935,"#
            + #""model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"\#(token)"},"logprobs":null,"#
            + #""finish_reason":null}],"obfuscation":"\#(padding)"}"# + "\n\n"
    }

    func recorded(_ stream: String) -> Exchange {
        let target = "/v1/chat/completions"
        var c = CapturedExchange(capture: .init(mode: .reverse), method: "POST", target: target, headers: [], bodyLimit: 1 << 20)
        c.endpoint = LLMEndpoint.classify(method: "POST", target: target, headers: [])
        c.appendRequestBody(ByteBuffer(string: #"{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}"#))
        c.responseHead(status: 200, headers: [HTTPHeaderField("Content-Type", "text/event-stream")])
        c.appendResponseBody(ByteBuffer(string: stream))
        c.finish(.ok)
        return ExchangeRecorder.makeExchange(from: c, redactor: redactor)
    }

    /// No piece of the key in the record: not in the raw response body nor any event's data
    /// (an event-stream body is stored as `body_b64`, so its text never shows in a line), nor in
    /// the segment the archive writer stores, where padded events go through `SSEDelta.write`
    /// (`jsonLine()` alone is the plain line, which does not).
    func expectNoKey(in exchange: Exchange, _ comment: Comment) throws {
        let body = String(decoding: exchange.response?.body.bytes ?? [], as: UTF8.self)
        #expect(SecretLeakCheck.leakedPiece(of: Self.key, in: body) == nil, comment)
        #expect(body.contains("redacted:"), comment)
        for (i, event) in (exchange.response?.sse ?? []).enumerated() {
            let piece = SecretLeakCheck.leakedPiece(of: Self.key, in: event.data)
            #expect(piece == nil, "event \(i): \(piece ?? "") \(comment)")
        }
        let stored = try archived(exchange)
        #expect(stored.lines.count == 1 && stored.lines[0].contains(#""sse_delta":["#), comment)
        let segment = stored.lines.joined(separator: "\n")
        #expect(SecretLeakCheck.leakedPiece(of: Self.key, in: segment) == nil, comment)
        #expect(stored.read.map { $0.response?.sse?.map(\.data) } == [exchange.response?.sse?.map(\.data)], comment)
        #expect(stored.read.map { $0.response?.body } == [exchange.response?.body], comment)
    }

    /// `exchange` written by an `ArchiveWriter`: the decoded lines of its segments and the
    /// records read back.
    func archived(_ exchange: Exchange) throws -> (lines: [String], read: [Exchange]) {
        let directory = try TestEnvironment.temporaryDirectory("padded-stream-archive")
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try ArchiveWriter(configuration: .init(directory: directory))
        writer.append(exchange)
        try writer.close()
        var lines: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() where name.hasSuffix(".jsonl.zst") {
            _ = try SegmentReader(url: directory.appendingPathComponent(name)).forEachLine { line, _ in
                lines.append(String(decoding: line, as: UTF8.self))
            }
        }
        return (lines, try ArchiveReader(path: directory).exchanges().exchanges)
    }

    @Test func aKeyInALaterPaddedDeltaIsReplacedAtAnyOffset() throws {
        for position in 0..<24 {
            var text = ""
            for i in 0..<5 {
                let token = i == 3 ? String(repeating: "w", count: position) + " " + Self.key : "w\(i)"
                text += Self.paddedChunk(token, padding: String("PkK2rX4iih1N2R".prefix(i + 2)))
            }
            let exchange = recorded(text + "data: [DONE]\n\n")
            try expectNoKey(in: exchange, "offset \(position)")
            #expect(exchange.response?.sse?.count == 6)
        }
    }

    @Test func aKeyInAPaddingValueIsReplaced() throws {
        for position in 0..<12 {
            var text = ""
            for i in 0..<4 {
                let value = i == 2 ? String("LPz3I0eTqLQ".prefix(position)) + "." + Self.key : String("Po999mZ".prefix(i + 1))
                text += Self.paddedChunk("w\(i)", padding: value)
            }
            try expectNoKey(in: recorded(text + "data: [DONE]\n\n"), "padding offset \(position)")
        }
    }

    /// The assembled message reads as the model wrote it with the key's fingerprint in its
    /// place: the key's own token ends before a `.` that follows it (`ending`).
    @Test(arguments: [
        (["Here", " is " + key, " ok"], " ok"),
        (["Here is sk-proj-AAAAbbbb", "CCCCddddEEEEffff0001", " ok"], " ok"),
        (["Here is ", "sk-proj-AAAAbbbbCCCCddddEEEEffff0001.", " ok"], ". ok"),
    ])
    func aKeyInPaddedDeltasWholeOrSplitNeverReachesTheArchive(tokens: [String], ending: String) throws {
        var text = ""
        for (i, token) in tokens.enumerated() { text += Self.paddedChunk(token, padding: String("3I0eTqLQPo999mZ".prefix(3 + 4 * i))) }
        let exchange = recorded(text + "data: [DONE]\n\n")
        try expectNoKey(in: exchange, "\(tokens)")
        let content = try #require(exchange.llm?.assembled?["choices"]?[0]?["message"]?["content"]?.stringValue)
        #expect(content == "Here is \(redactor.fingerprint(Self.key))\(ending)", "\(content)")
    }
}
