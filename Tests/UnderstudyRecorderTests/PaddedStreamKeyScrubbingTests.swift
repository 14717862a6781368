import NIOCore
import Testing
import UnderstudyArchive
import UnderstudyRecorder
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

    /// The record as the archive gets it, with no piece of the key in it.
    func expectNoKey(in exchange: Exchange, _ comment: Comment) {
        let line = String(decoding: exchange.jsonLine(), as: UTF8.self)
        #expect(!line.contains("AAAAbbbb") && !line.contains("ddddEEEE"), comment)
        #expect(line.contains("redacted:"), comment)
    }

    @Test func aKeyInALaterPaddedDeltaIsReplacedAtAnyOffset() {
        for position in 0..<24 {
            var text = ""
            for i in 0..<5 {
                let token = i == 3 ? String(repeating: "w", count: position) + " " + Self.key : "w\(i)"
                text += Self.paddedChunk(token, padding: String("PkK2rX4iih1N2R".prefix(i + 2)))
            }
            let exchange = recorded(text + "data: [DONE]\n\n")
            expectNoKey(in: exchange, "offset \(position)")
            #expect(exchange.response?.sse?.count == 6)
        }
    }

    @Test func aKeyInAPaddingValueIsReplaced() {
        for position in 0..<12 {
            var text = ""
            for i in 0..<4 {
                let value = i == 2 ? String("LPz3I0eTqLQ".prefix(position)) + "." + Self.key : String("Po999mZ".prefix(i + 1))
                text += Self.paddedChunk("w\(i)", padding: value)
            }
            expectNoKey(in: recorded(text + "data: [DONE]\n\n"), "padding offset \(position)")
        }
    }

    @Test(arguments: [
        ["Here", " is " + key, " ok"],
        ["Here is sk-proj-AAAAbbbb", "CCCCddddEEEEffff0001", " ok"],
        ["Here is ", "sk-proj-AAAAbbbbCCCCddddEEEEffff0001.", " ok"],
    ])
    func aKeyInPaddedDeltasWholeOrSplitNeverReachesTheArchive(tokens: [String]) throws {
        var text = ""
        for (i, token) in tokens.enumerated() { text += Self.paddedChunk(token, padding: String("3I0eTqLQPo999mZ".prefix(3 + 4 * i))) }
        let exchange = recorded(text + "data: [DONE]\n\n")
        expectNoKey(in: exchange, "\(tokens)")
        let content = try #require(exchange.llm?.assembled?["choices"]?[0]?["message"]?["content"]?.stringValue)
        #expect(content == "Here is \(redactor.fingerprint(Self.key)) ok" || content == "Here is \(redactor.fingerprint(Self.key)). ok",
                "\(content)")
    }
}
