import Testing
import UnderstudyRecorder
import UnderstudyWire

/// An event stream's body is scanned for keys only where its lines change
/// (`HeaderRedactor.scrubSecrets(inStream:)`); what reaches the archive must be exactly what the
/// scan of the whole body gives, over many seeded streams: keys and near-keys in the changing
/// token, glued to it from the bytes that follow, appearing mid-stream in the id, split by line
/// ends, after escapes, in `event:` lines, with CRLF, PEM blocks and `\u` escapes.
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

    func stream(_ rng: inout Seeded) -> [UInt8] {
        let tail = rng.below(3) == 0 ? rng.one(of: Self.tails) : ""
        let newline = rng.below(5) == 0 ? "\r\n" : "\n"
        var id = "chatcmpl-AbC123"
        var text = ""
        for _ in 0..<(1 + rng.below(12)) {
            if rng.below(16) == 0 { id = rng.one(of: ["chatcmpl-Xy9", "chatcmpl-" + Self.key, Self.key, "c"]) }
            if rng.below(4) == 0 { text += "event: " + rng.one(of: ["delta", "x", "ping", rng.below(10) == 0 ? Self.key : "y"]) + newline }
            var token = ""
            for _ in 0..<(1 + rng.below(3)) { token += rng.below(12) == 0 ? rng.one(of: Self.keyTokens) : rng.one(of: Self.tokens) }
            text += #"data: {"id":"\#(id)","object":"chat.completion.chunk","model":"gpt-4o-mini","#
            text += #""choices":[{"index":0,"delta":{"content":"\#(token)\#(tail)"},"finish_reason":null}]}"#
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
        for round in 0..<4000 {
            let body = stream(&rng)
            let whole = redactor.scrubSecrets(in: body)
            let changed = redactor.scrubSecrets(inStream: body)
            #expect(changed.bytes == whole.bytes && changed.count == whole.count,
                    "round \(round): \(String(decoding: body, as: UTF8.self))")
            if whole.count > 0 { withKeys += 1 } else { without += 1 }
        }
        // Both kinds of stream were generated, so neither path went untested.
        #expect(withKeys > 300 && without > 300, "\(withKeys) with keys, \(without) without")
    }

    /// A key that appears only in a later chunk, at any offset of its token, is found.
    @Test func aKeyAppearingInALaterChunkIsFound() {
        for position in 0..<40 {
            var text = ""
            for i in 0..<6 {
                let token = i == 4 ? String(repeating: "w", count: position) + " " + Self.key : "w\(i)"
                text += #"data: {"id":"c","choices":[{"delta":{"content":"\#(token)"}}]}"# + "\n\n"
            }
            let scrubbed = redactor.scrubSecrets(inStream: Array(text.utf8))
            #expect(scrubbed.count == 1, "offset \(position)")
            #expect(!String(decoding: scrubbed.bytes, as: UTF8.self).contains(Self.key))
        }
    }
}
