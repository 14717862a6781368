import Testing
import UnderstudyArchive

/// `isCompactForm` lets the recorder copy a plain answer's body into the record line as its
/// assembled message: it must say yes exactly when parsing and writing the body gives back the
/// same bytes, or a record line would differ from `Exchange.jsonLine()` of the record it holds.
struct JSONCompactFormTests {
    /// The definition: the bytes are JSON and the writer reproduces them.
    private func roundTrips(_ bytes: [UInt8]) -> Bool {
        guard let value = try? JSONValue(parsing: bytes) else { return false }
        return value.serializedBytes() == bytes
    }

    @Test func agreesWithParseAndWriteOnAwkwardSpellings() {
        let texts: [String] = [
            #"{"id":"chatcmpl-1","choices":[{"message":{"role":"assistant","content":"hi"}}],"usage":null}"#,
            #"{"a":"é 😀 \u0000 \u001f \u0008 \u000c \n\r\t \" \\"}"#,
            #"[1,-0.5,1e3,1.0E+5,true,false,null,{},[],""]"#,
            #"{"dup":1,"dup":2}"#,
            #""just a string""#, "0", "null",
            #"{"a": 1}"#, " {}", "{} ", "{}\n", "[1,\n2]",
            #"{"a":"\/"}"#, #"{"a":"\b"}"#, #"{"a":"\f"}"#, #"{"a":"\u00e9"}"#, #"{"a":"\u001F"}"#,
            #"{"a":"\u000a"}"#, #"{"a":"\u0009"}"#, #"{"a":"\u0041"}"#, #"{"a":"\ud83d\ude00"}"#,
            #"{"a":1"#, #"{"a":}"#, "", "{}{}", #"{"a":"x"} x"#,
        ]
        for text in texts {
            let bytes = Array(text.utf8)
            #expect(JSONValue.isCompactForm(bytes) == roundTrips(bytes), "\(text)")
        }
        #expect(JSONValue.isCompactForm(Array(texts[0].utf8)))
        #expect(!JSONValue.isCompactForm(Array(#"{"a": 1}"#.utf8)))
    }

    @Test func malformedUTF8IsNotCompactBecauseTheParserRepairsIt() {
        let quote: [UInt8] = [0x22]
        let sequences: [[UInt8]] = [
            [0x80], [0xC0, 0x80], [0xC2], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82], [0xFF],
            [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xED, 0x9F, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF],
        ]
        for sequence in sequences {
            // Long enough that the eight-bytes-per-step scan reaches the sequence too.
            let bytes = quote + Array("padding to pass eight bytes".utf8) + sequence + Array("tail".utf8) + quote
            #expect(JSONValue.isCompactForm(bytes) == roundTrips(bytes), "\(sequence)")
        }
    }

    @Test func everythingTheWriterWritesIsCompact() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Unicode.Scalar] =
            (0..<0x80).compactMap(Unicode.Scalar.init) + ["é", "\u{2028}", "😀", "\u{FFFD}", "中"]
        for _ in 0..<300 {
            let text = String(
                String.UnicodeScalarView((0..<Int.random(in: 0...40, using: &generator)).map { _ in
                    alphabet.randomElement(using: &generator)!
                }))
            let value: JSONValue = ["k\(text)": [.string(text), .number("12.5"), ["x": .string(text)]]]
            let bytes = value.serializedBytes()
            #expect(JSONValue.isCompactForm(bytes), "\(bytes)")
        }
    }
}

/// The scan for bytes that need an escape steps eight bytes at a time: whatever the offset of
/// the first special byte (quote, backslash, control, non-ASCII, bad UTF-8) within or across the
/// steps, `isCompactForm` and the writer's escaping must agree with their definitions.
struct PlainRunScanTests {
    @Test func specialBytesAtEveryOffsetAgreeWithTheDefinitions() throws {
        var state: UInt64 = 0x51D_0FF5E7
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        let specials: [[UInt8]] = [
            [0x22], [0x5C, 0x22], [0x5C, 0x5C], [0x5C, 0x6E], [0x5C, 0x2F], [0x0A], [0x1F], [0x00], [0x7F], [0x20],
            [0xC3, 0xA9], [0xE2, 0x80, 0xA8], [0xF0, 0x9F, 0x98, 0x80], [0x80], [0xFF], [0xED, 0xA0, 0x80],
            Array(#"\u001f"#.utf8), Array(#"\u0041"#.utf8),
        ]
        for _ in 0..<4000 {
            var inner: [UInt8] = []
            for _ in 0..<Int(next() % 4) {
                inner += (0..<Int(next() % 40)).map { _ in UInt8(ascii: "a") + UInt8(next() % 26) }
                inner += specials[Int(next() % UInt64(specials.count))]
            }
            inner += (0..<Int(next() % 20)).map { _ in UInt8(ascii: "0") + UInt8(next() % 10) }
            let bytes = [0x22] + inner + [0x22]
            let reference = (try? JSONValue(parsing: bytes)).map { $0.serializedBytes() == bytes } ?? false
            #expect(JSONValue.isCompactForm(bytes) == reference, "\(bytes)")
            // Escaping: each byte as the writer's rules say, compared with the writer.
            let text = String(decoding: inner, as: UTF8.self)
            var written: [UInt8] = []
            JSONValue.writeString(text, to: &written)
            var expected: [UInt8] = [0x22]
            for byte in text.utf8 {
                switch byte {
                case 0x22: expected += [0x5C, 0x22]
                case 0x5C: expected += [0x5C, 0x5C]
                case 0x0A: expected += Array(#"\n"#.utf8)
                case 0x0D: expected += Array(#"\r"#.utf8)
                case 0x09: expected += Array(#"\t"#.utf8)
                case ..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    expected += Array(#"\u00"#.utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
                default: expected.append(byte)
                }
            }
            expected.append(0x22)
            #expect(written == expected, "\(inner)")
        }
    }
}

/// An assembled message held as the body's bytes must make the same record line, and read back
/// to the same record, as the message held as a parsed value.
struct AssembledBytesTests {
    private func exchange(_ llm: Exchange.LLMInfo, body: [UInt8]) -> Exchange {
        Exchange(
            id: "01JD0000000000000000000000", capture: .init(mode: .reverse),
            timing: .init(startMicros: 1_790_000_000_000_000, firstByteMs: 1, endMs: 2),
            request: .init(method: "POST", target: "/v1/chat/completions"),
            response: .init(status: 200, body: HTTPBody(bytes: body)), llm: llm)
    }

    @Test func compactAndOtherBodiesWriteTheLineOfTheParsedValue() throws {
        let bodies = [
            #"{"id":"x","choices":[{"message":{"content":"é\n\"q\""}}],"usage":{"prompt_tokens":3}}"#,
            "{\n  \"id\": \"x\",\n  \"content\": \"\\u00e9\\/\"\n}", #"[1,2]"#,
        ]
        for text in bodies {
            let bytes = Array(text.utf8)
            var viaBytes = Exchange.LLMInfo(provider: "openai", api: "chat.completions", model: "m")
            let accepted = viaBytes.setAssembled(json: bytes)
            #expect(accepted)
            #expect(viaBytes.hasAssembled)
            #expect((viaBytes.assembledJSON != nil) == JSONValue.isCompactForm(bytes))
            let parsed = try JSONValue(parsing: bytes)
            let viaValue = Exchange.LLMInfo(provider: "openai", api: "chat.completions", model: "m", assembled: parsed)
            #expect(viaBytes.assembled == parsed)
            #expect(viaBytes == viaValue)
            let line = exchange(viaBytes, body: bytes).jsonLine()
            #expect(line == exchange(viaValue, body: bytes).jsonLine())
            let back = try Exchange(jsonLine: line)
            #expect(back.llm == viaValue)
            #expect(back.llm?.assembled == parsed)
        }
    }

    @Test func notJSONLeavesNoAssembledMessage() {
        var info = Exchange.LLMInfo(provider: "openai", api: "chat.completions")
        let accepted = info.setAssembled(json: Array("upstream error page".utf8))
        #expect(!accepted)
        #expect(!info.hasAssembled)
        #expect(info.assembled == nil)
        #expect(String(decoding: exchange(info, body: []).jsonLine(), as: UTF8.self).contains(#""assembled":null"#))
    }

    @Test func settingAValueReplacesTheBytes() {
        var info = Exchange.LLMInfo(provider: "openai", api: "chat.completions")
        info.setAssembled(json: Array(#"{"content":"sk-secret"}"#.utf8))
        info.assembled = ["content": "redacted"]
        #expect(info.assembledJSON == nil)
        let line = String(decoding: exchange(info, body: []).jsonLine(), as: UTF8.self)
        #expect(line.contains(#""assembled":{"content":"redacted"}"#))
    }
}
