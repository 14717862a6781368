import NIOCore
import Testing
import UnderstudyArchive
import UnderstudyRecorder
import UnderstudyWire

/// An event stream's body is scanned for keys only where its lines change
/// (`HeaderRedactor.scrubSecrets(inStream:)`); what reaches the archive must be exactly what the
/// scan of the whole body gives, over many seeded streams, padded (OpenAI's `obfuscation`) or
/// not: keys and near-keys in the changing token, in the padding's value, glued to the token from
/// the bytes that follow, appearing mid-stream in the id, split by line ends, after escapes, in
/// `event:` lines, with CRLF, PEM blocks and `\u` escapes.
struct StreamBodyKeyScanTests {
    let redactor = HeaderRedactor(key: RedactionKey(bytes: Array(repeating: 7, count: 32)))

    /// xorshift64*: deterministic, so a failure names a stream the same seed rebuilds.
    struct Seeded {
        var state: UInt64
        mutating func below(_ n: Int) -> Int {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return Int((state &* 0x2545_F491_4F6C_DD1D) >> 33) % n
        }
        mutating func one<T>(of items: [T]) -> T { items[below(items.count)] }
    }

    static let key = "sk-proj-AAAAbbbbCCCCddddEEEEffff0001"
    static let tokens = ["w01", " the", "a", "", ".", "-", " ", "\\n", "\\\"", "x", "end.", "é", "1234567890", "sk-proj-", "ghp_"]
    static let keyTokens = [key, " " + key, "sk-proj-AAAAbbbbCCCC", "AKIAABCDEFGHIJKLMNOP", ".glpat-0123456789abcdefghij", "hf_"]
    /// What follows the token inside the same string, the same on every line of a stream: a key
    /// glued to the token counts only when the token ends at a boundary.
    static let tails = ["", "sk-proj-AAAAbbbbCCCCddddEEEE1234", ".AKIAABCDEFGHIJKLMNOP", "xyz", "-----"]
    /// Padding values: random text as OpenAI sends (letters and digits of varying length), and
    /// now and then a key, a piece of one, an escape or a dash.
    static let paddingPieces = ["3I0eTqLQ", "Po999mZ", "L", "", "PkK2rX4iih1N2R", "-", "\\u0070", "sk-proj-", key, "AAAAbbbbCCCC"]

    func padding(_ rng: inout Seeded) -> String {
        var text = ""
        for _ in 0..<rng.below(4) { text += rng.below(10) == 0 ? rng.one(of: Self.paddingPieces) : rng.one(of: Array(Self.paddingPieces[0..<5])) }
        return text
    }

    func stream(_ rng: inout Seeded) -> [UInt8] {
        let tail = rng.below(3) == 0 ? rng.one(of: Self.tails) : ""
        let newline = rng.below(5) == 0 ? "\r\n" : "\n"
        let padded = rng.below(2) == 0
        let arguments = rng.below(4) == 0  // tool-call arguments: the token sits in an escaped string
        var id = "chatcmpl-AbC123"
        var text = ""
        for _ in 0..<(1 + rng.below(12)) {
            if rng.below(16) == 0 { id = rng.one(of: ["chatcmpl-Xy9", "chatcmpl-" + Self.key, Self.key, "c"]) }
            if rng.below(4) == 0 { text += "event: " + rng.one(of: ["delta", "x", "ping", rng.below(10) == 0 ? Self.key : "y"]) + newline }
            var token = ""
            for _ in 0..<(1 + rng.below(3)) { token += rng.below(12) == 0 ? rng.one(of: Self.keyTokens) : rng.one(of: Self.tokens) }
            text += #"data: {"id":"\#(id)","object":"chat.completion.chunk","created":1795854935,"model":"gpt-4o-mini","#
            if arguments {
                text += #""choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"q\":\"\#(token)\#(tail)"}}]},"finish_reason":null}]"#
            } else {
                text += #""choices":[{"index":0,"delta":{"content":"\#(token)\#(tail)"},"logprobs":null,"finish_reason":null}]"#
            }
            text += padded ? #","obfuscation":"\#(padding(&rng))"}"# : "}"
            text += newline + newline
            switch rng.below(80) {
            case 0: text += "data: -----BEGIN RSA PRIVATE KEY-----\\nMIIabc\\n-----END RSA PRIVATE KEY-----" + newline + newline
            case 1: text += #"data: {"content":"sk-\u0070roj-AAAAbbbbCCCCddddEEEEffff"}"# + newline + newline
            case 2: text += "data: sk-proj-AAAAbbbbCCCC" + newline + "data: ddddEEEEffff0001" + newline + newline
            default: break
            }
        }
        if rng.below(3) == 0 { text += "data: [DONE]" + newline + newline }
        return Array(text.utf8)
    }

    @Test func replacesExactlyWhatTheWholeBodyScanReplaces() {
        var rng = Seeded(state: 0x5EED_5EED_1234_ABCD)
        var withKeys = 0
        var without = 0
        for round in 0..<6000 {
            let body = stream(&rng)
            let whole = redactor.scrubSecrets(in: body)
            let changed = redactor.scrubSecrets(inStream: body)
            #expect(changed.bytes == whole.bytes && changed.count == whole.count,
                    "round \(round): \(String(decoding: body, as: UTF8.self))")
            if whole.count > 0 { withKeys += 1 } else { without += 1 }
        }
        // Both kinds of stream were generated, so neither path went untested.
        #expect(withKeys > 500 && without > 500, "\(withKeys) with keys, \(without) without")
    }

    static func paddedChunk(_ token: String, padding: String) -> String {
        #"data: {"id":"chatcmpl-2aXK7uT6CcJK3nQVUTbX6pCG4E4rW","object":"chat.completion.chunk","created":1795854935,"#
            + #""model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"\#(token)"},"logprobs":null,"#
            + #""finish_reason":null}],"obfuscation":"\#(padding)"}"# + "\n\n"
    }

    /// A key that appears only in a later chunk, at any offset of its token, padded or not, is
    /// found; so is one in a padding's value, at any offset of it.
    @Test(arguments: [false, true])
    func aKeyAppearingInALaterChunkIsFound(padded: Bool) {
        for position in 0..<40 {
            var text = ""
            for i in 0..<6 {
                let token = i == 4 ? String(repeating: "w", count: position) + " " + Self.key : "w\(i)"
                text += padded ? Self.paddedChunk(token, padding: String("PkK2rX4iih1N2R".prefix(i + 2)))
                    : #"data: {"id":"c","choices":[{"delta":{"content":"\#(token)"}}]}"# + "\n\n"
            }
            let scrubbed = redactor.scrubSecrets(inStream: Array(text.utf8))
            #expect(scrubbed.count == 1, "offset \(position)")
            #expect(!String(decoding: scrubbed.bytes, as: UTF8.self).contains(Self.key))
        }
        for position in 0..<12 {
            var text = ""
            for i in 0..<4 {
                let value = i == 2 ? String("LPz3I0eTqLQ".prefix(position)) + "." + Self.key : String("Po999mZ".prefix(i + 1))
                text += Self.paddedChunk("w\(i)", padding: value)
            }
            let scrubbed = redactor.scrubSecrets(inStream: Array(text.utf8))
            #expect(scrubbed.count == 1, "padding offset \(position)")
            #expect(!String(decoding: scrubbed.bytes, as: UTF8.self).contains(Self.key))
        }
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

    /// A key pasted into a padded stream's deltas, whole in one chunk or split across two, never
    /// reaches the archive: not in the body, its events nor the assembled message.
    @Test(arguments: [
        ["Here", " is " + key, " ok"],
        ["Here is sk-proj-AAAAbbbb", "CCCCddddEEEEffff0001", " ok"],
        ["Here is ", "sk-proj-AAAAbbbbCCCCddddEEEEffff0001.", " ok"],
    ])
    func aKeyInPaddedDeltasNeverReachesTheArchive(tokens: [String]) throws {
        var text = ""
        for (i, token) in tokens.enumerated() { text += Self.paddedChunk(token, padding: String("3I0eTqLQPo999mZ".prefix(3 + 4 * i))) }
        let exchange = recorded(text + "data: [DONE]\n\n")
        let line = String(decoding: exchange.jsonLine(), as: UTF8.self)
        #expect(!line.contains("AAAAbbbb"), "a piece of the key reached the record")
        #expect(!line.contains("ddddEEEE"), "a piece of the key reached the record")
        #expect(line.contains("redacted:"))
        let content = try #require(exchange.llm?.assembled?["choices"]?[0]?["message"]?["content"]?.stringValue)
        #expect(content.hasPrefix("Here is redacted:"), "\(content)")
    }
}
