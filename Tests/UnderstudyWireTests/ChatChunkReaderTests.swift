import Testing
import UnderstudyArchive
import UnderstudyWire

/// Chat chunks are read from their bytes (`consume(event:data:)`) instead of parsed into a
/// `JSONValue` first (`consume(json:)`, the reference): over many varied and malformed random
/// streams both must give the same assembled message and the same count of skipped events.
struct ChatChunkReaderTests {
    /// Builds chunk texts with the variations real and hostile upstreams produce.
    private struct ChunkWriter {
        var random: SeededRandom

        mutating func space() -> String { random.chance(15) ? random.pick([" ", "\n", " \t", "\r\n  "]) : "" }

        mutating func object(_ members: [(String, String)]) -> String {
            var members = members
            if random.chance(5), let first = members.first { members.append((first.0, text())) }  // a duplicate
            let body = members.map { "\(space())\"\($0.0)\"\(space()):\(space())\($0.1)\(space())" }
            return "{" + body.joined(separator: ",") + "}"
        }

        mutating func text() -> String {
            random.pick([
                #""Hello""#, #"" world""#, #""""#, #""line\nbreak""#, #""a \"quoted\" word""#, #""caf\u00e9""#,
                #""smile \ud83d\ude00""#, #""lone \ud83d""#, #""é and 😀 raw""#, #""tab\tslash\/""#,
                #""{\"city\": \"Paris\"}""#, #""a much longer piece of generated text, beyond inline size""#,
                "\"raw \u{1} control\"", "\"raw\ttab\"", "\"unterminated",
            ])
        }

        mutating func scalar() -> String {
            random.pick(["null", "true", "false", "0", "1", "2", "1.0", "-3", "1e2", "\"x\"", text(), "[]", "{}"])
        }

        mutating func index() -> String { random.pick(["0", "0", "1", "2", "1.0", "\"1\"", "null", "-1", "1e0"]) }

        mutating func call(position: Int) -> String {
            if random.chance(3) { return scalar() }
            var members: [(String, String)] = []
            if random.chance(80) { members.append(("index", index())) }
            if random.chance(40) { members.append(("id", random.pick(["\"call_a\"", "\"call_b\"", "null", "7"]))) }
            if random.chance(40) { members.append(("type", random.pick(["\"function\"", "null", "\"custom\""]))) }
            if random.chance(90) {
                if random.chance(5) {
                    members.append(("function", scalar()))
                } else {
                    var function: [(String, String)] = []
                    if random.chance(40) { function.append(("name", random.chance(80) ? text() : scalar())) }
                    if random.chance(80) { function.append(("arguments", random.chance(85) ? text() : scalar())) }
                    if random.chance(10) { function.append(("extra", scalar())) }
                    members.append(("function", object(function)))
                }
            }
            return object(members.shuffled(using: &random))
        }

        mutating func delta() -> String {
            if random.chance(4) { return scalar() }
            var members: [(String, String)] = []
            if random.chance(20) { members.append(("role", random.pick(["\"assistant\"", "null", "\"tool\"", "3"]))) }
            if random.chance(70) { members.append(("content", random.chance(80) ? text() : scalar())) }
            if random.chance(15) { members.append(("refusal", random.chance(80) ? text() : scalar())) }
            if random.chance(30) {
                if random.chance(5) {
                    members.append(("tool_calls", scalar()))
                } else {
                    let calls = (0..<random.int(3)).map { call(position: $0) }
                    members.append(("tool_calls", "[" + calls.joined(separator: ",") + "]"))
                }
            }
            if random.chance(10) { members.append(("con\\u0074ent", text())) }  // an escaped name
            return object(members.shuffled(using: &random))
        }

        mutating func choice() -> String {
            if random.chance(3) { return scalar() }
            var members: [(String, String)] = []
            if random.chance(90) { members.append(("index", index())) }
            if random.chance(90) { members.append(("delta", delta())) }
            members.append(
                ("logprobs", random.pick(["null", #"{"content":[{"token":"a\\u0041","logprob":-0.1,"bytes":[97]}]}"#])))
            if random.chance(80) {
                members.append(("finish_reason", random.pick(["null", "null", "\"stop\"", "\"tool_calls\"", "1"])))
            }
            return object(members.shuffled(using: &random))
        }

        mutating func chunk() -> String {
            switch random.int(100) {
            case 0..<2: return random.pick(["[]", "\"text\"", "42", "null"])
            case 2..<4: return #"{"error":{"message":"overloaded","type":"server_error"}}"#
            case 4..<6:
                return random.pick([
                    #"{"choices":["#, #"{"id":"x"} trailing"#, #"{"id":"bad \x escape"}"#, "{\"id\":\"ctl\u{1}\"}",
                ])
            case 6..<8:
                let depth = random.pick([100, 510, 511, 600])
                return #"{"id":"c","nested":"# + String(repeating: "[", count: depth)
                    + String(repeating: "]", count: depth) + "}"
            default: break
            }
            var members: [(String, String)] = []
            if random.chance(90) { members.append(("id", random.pick(["\"chatcmpl-1\"", "\"chatcmpl-2\"", "null"]))) }
            members.append(("object", "\"chat.completion.chunk\""))
            if random.chance(90) {
                members.append(("created", random.pick(["1730000000", "1730000000.0", "null", "\"soon\""])))
            }
            if random.chance(90) {
                members.append(("model", random.pick(["\"gpt-4o\"", "\"gpt-4o-mini\"", "null", #""m\u006fdel""#])))
            }
            if random.chance(30) { members.append(("service_tier", random.pick(["\"default\"", "null", "\"flex\""]))) }
            if random.chance(30) { members.append(("system_fingerprint", random.pick(["\"fp_1\"", "null", "{}"]))) }
            if random.chance(5) {
                members.append(("choices", scalar()))
            } else {
                let choices = (0..<random.pick([0, 1, 1, 1, 2, 3])).map { _ in choice() }
                members.append(("choices", "[" + choices.joined(separator: ",") + "]"))
            }
            if random.chance(30) {
                members.append(
                    ("usage", random.pick(["null", #"{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}"#])))
            }
            return object(members.shuffled(using: &random))
        }
    }

    @Test func readingChunksFromBytesAssemblesWhatParsingThemDoes() throws {
        var writer = ChunkWriter(random: SeededRandom(state: 0x5EED))
        var parsed = 0
        for stream in 0..<600 {
            let chunks = (0..<(1 + writer.random.int(14))).map { _ in writer.chunk() } + ["[DONE]"]
            parsed += expectReadingAssemblesAsParsing(chunks, stream: stream)
        }
        // The generator must mostly produce chunks that parse, or the comparison says little.
        #expect(parsed > 3_000)
    }

    /// Writes streams shaped like real ones, each chunk repeating the last with the token
    /// changed, and every variation real upstreams add around that: first chunks (role with an
    /// empty content, a tool call's id, type and name), `content: null` beside tool calls, two
    /// choices, refusals, reasoning fields, head values that change, whitespace that varies per
    /// chunk, chunks the reader refuses between token chunks, and OpenAI's `obfuscation` padding.
    private struct TokenStreamWriter {
        var random: SeededRandom

        static let tokens = [
            "Hello", " world", "", "é", "è", "😀", "😁", " caf", #"\"q\""#, #"\n"#, #"\u00e9"#, "a\"b", "\u{1}",
            #"\"#, #""},"x":""#, #"{\"city\": \"Par"#, "is", " ", "  ", "\t", "ok\u{7F}",
            // Longer than the split's 8-byte steps, so its steps end inside the text.
            " a longer token", "ünïcödé wörds", "😀😁😀😁", "0123456789abcdef", "01234567",
        ]

        mutating func stream() -> [String] {
            var chunks: [String] = []
            var arguments = random.chance(30)
            var id = "chatcmpl-1"
            var model = "gpt-4o"
            var created = "1730000000"
            var fingerprint = "\"fp_1\""
            var choice = 0
            let late = random.chance(20)  // `model` after `choices`: its range follows the text
            let twoChoices = random.chance(15)
            let nullContent = random.chance(30)  // tool call chunks with `"content":null`
            let reasoning = random.chance(10) ? random.pick(["reasoning", "reasoning_content"]) : nil
            let obfuscated = random.chance(20)
            let varyingSpace = random.chance(15)
            var space = random.chance(20) ? " " : ""
            if random.chance(50) {
                // The real first chunk: the role with an empty content, or a tool call's head.
                let call = #"{"index":0,"id":"call_1","type":"function","function":{"name":"get","arguments":""}}"#
                let first =
                    arguments
                    ? #"{"role":"assistant","content":null,"tool_calls":["# + call + #"],"refusal":null}"#
                    : #"{"role":"assistant","content":"","refusal":null}"#
                chunks.append(
                    chunk(
                        id: id, model: model, created: created, fingerprint: fingerprint, late: late,
                        choices: [(0, first)], space: space, obfuscated: obfuscated))
            }
            for _ in 0..<(2 + random.int(30)) {
                if random.chance(8) { arguments.toggle() }
                if random.chance(5) { id = random.pick(["chatcmpl-1", "chatcmpl-2"]) }
                if random.chance(4) { model = random.pick(["gpt-4o", "gpt-4o-2024-08-06"]) }
                if random.chance(4) { created = random.pick(["1730000000", "1730000001"]) }
                if random.chance(4) { fingerprint = random.pick(["\"fp_1\"", "\"fp_22\"", "null"]) }
                if twoChoices, random.chance(25) { choice = 1 - choice }  // runs of chunks per choice
                if varyingSpace { space = random.pick(["", " ", "  ", "\n"]) }
                if random.chance(4) {
                    // Parses, but the reader refuses it: the JSON path takes it between tokens.
                    chunks.append(
                        random.pick([
                            #"{"id":"\#(id)","choices":[{"index":0,"delta":{"con\u0074ent":"x"}}]}"#,
                            #"{"error":{"message":"overloaded","type":"server_error"}}"#,
                        ]))
                    continue
                }
                let token = random.pick(Self.tokens)
                var delta: String
                if random.chance(4) {
                    delta = #"{"refusal":""# + token + #""}"#
                } else if random.chance(4) {
                    // Not a string: its quotes go, the bytes between stay plain.
                    delta = #"{"content":"# + random.pick(["null", "5", "true"]) + "}"
                } else if arguments {
                    delta = #"{"tool_calls":[{"index":0,"function":{"arguments":""# + token + #""}}]}"#
                    if nullContent { delta = #"{"content":null,"# + delta.dropFirst() }
                } else {
                    delta = #"{"content":"\#(space)"# + token + #""}"#
                }
                if let reasoning, random.chance(50) {
                    let thought = #""\#(reasoning)":""# + random.pick(Self.tokens) + #"""#
                    delta =
                        random.chance(50)
                        ? "{" + thought + "," + delta.dropFirst() : String(delta.dropLast()) + "," + thought + "}"
                }
                var choices = [(choice, delta)]
                if twoChoices, random.chance(10) { choices.append((1 - choice, delta)) }
                chunks.append(
                    chunk(
                        id: id, model: model, created: created, fingerprint: fingerprint, late: late,
                        choices: choices, space: space, obfuscated: obfuscated))
            }
            return chunks
        }

        private mutating func chunk(
            id: String, model: String, created: String, fingerprint: String, late: Bool,
            choices: [(index: Int, delta: String)], space: String, obfuscated: Bool
        ) -> String {
            let finish = random.chance(5) ? #""stop""# : "null"
            let model = #""model":"\#(model)""#
            var members = [#""id":"\#(id)""#, #""object":"chat.completion.chunk""#, #""created":\#(created)"#]
            if !late { members.append(model) }
            members.append(#""system_fingerprint":\#(fingerprint)"#)
            let choices = choices.map {
                #"{"index":\#($0.index),"delta":\#($0.delta),"logprobs":null,"finish_reason":\#(finish)}"#
            }
            members.append(#""choices":["# + choices.joined(separator: ",") + "]")
            if late { members.append(model) }
            if random.chance(5) {
                members.append(#""usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}"#)
            }
            if obfuscated {
                // Random padding per chunk, as OpenAI sends unless include_obfuscation is false;
                // now and then one the shortcut must refuse (an escape, a quote, a control byte,
                // not a string, another name, a member after it) and, as a check that refusing
                // is not all it does, multi-byte characters it takes as plain bytes (é, 😀).
                var padding = String((0..<(random.int(13))).map { _ in random.pick(Array("abcdefXYZ0189")) })
                if random.chance(8) { padding += random.pick([#"\""#, #"\u0041"#, "\u{1}", "é", "😀"]) }
                members.append(
                    random.chance(4)
                        ? random.pick([#""obfuscation":7"#, #""obfuscatio":"\#(padding)""#])
                        : #""obfuscation":"\#(padding)""#)
                if random.chance(4) { members.append(#""usage":null"#) }
            }
            return "{" + members.joined(separator: "," + space) + "}"
        }
    }

    /// Real streams repeat one chunk with only the token changed, which the reader takes as a
    /// change of the previous chunk's text when it can: after every chunk its state (head value
    /// ranges, texts, tool calls, usage) must be what reading that chunk alone gives, and the
    /// assembled message what the parsed chunks give.
    @Test func chunksThatChangeOnlyTheirTokenAssembleAsParsed() throws {
        var writer = TokenStreamWriter(random: SeededRandom(state: 0x70_4E4E))
        var changes = 0
        var chunks = 0
        for stream in 0..<600 {
            let stream = (stream, writer.stream())
            changes += expectReadingChangesReadsAsWhole(stream.1, stream: stream.0)
            _ = expectReadingAssemblesAsParsing(stream.1, stream: stream.0)
            chunks += stream.1.count
        }
        // Without the shortcut taken often, the comparison above says little about it (about one
        // chunk in ten here: most variations make the next chunk a whole read; the rate on
        // real-shaped streams is checked below).
        #expect(changes > chunks / 20, "\(changes) of \(chunks)")
    }

    /// A stream as the mock upstream sends it (role chunk, then one chunk per token, finish,
    /// usage): every token chunk after the first is read as a change, content and tool call
    /// arguments alike, with OpenAI's `obfuscation` padding (a random value in every chunk, after
    /// the text) and without.
    @Test func tokenChunksOfARealShapedStreamAreReadAsChanges() throws {
        let head =
            #""id":"chatcmpl-9","object":"chat.completion.chunk","created":1730000000,"model":"gpt-4o","service_tier":"default","system_fingerprint":null"#
        func chunk(_ delta: String, finish: String = "null", padding: String?) -> String {
            let obfuscation = padding.map { #","obfuscation":"\#($0)""# } ?? ""
            return "{" + head
                + #","choices":[{"index":0,"delta":\#(delta),"logprobs":null,"finish_reason":\#(finish)}],"usage":null"#
                + obfuscation + "}"
        }
        let tokens = [
            "Hello", ",", " how", " can", " I", " help", " you", " today", "?", " Ünïcödé 😀", " and", " more",
        ]
        let fragments = [#"{"#, #" "#, #"city"#, #": "#, #"Paris"#, #", "#, #"days"#, #": 3"#, #"}"#]
        for obfuscated in [false, true] {
            var paddings = ["q", "Zx1", "ab", "T0k9", "mm", "r", "8f3Q", "zz", "P", "k2", "Y7", "c", "W"].makeIterator()
            let padding: () -> String? = { obfuscated ? paddings.next() ?? "last" : nil }
            var content = [chunk(#"{"role":"assistant","content":"","refusal":null}"#, padding: padding())]
            content += tokens.map { chunk(#"{"content":"\#($0)"}"#, padding: padding()) }
            content += [chunk("{}", finish: #""stop""#, padding: padding()), "[DONE]"]
            paddings = ["q", "Zx1", "ab", "T0k9", "mm", "r", "8f3Q", "zz", "P", "k2", "Y7", "c", "W"].makeIterator()
            var call = [
                chunk(#"{"role":"assistant","content":null,"refusal":null}"#, padding: padding()),
                chunk(
                    #"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}"#,
                    padding: padding()),
            ]
            call += fragments.map {
                chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"\#($0)"}}]}"#, padding: padding())
            }
            call += [chunk("{}", finish: #""tool_calls""#, padding: padding()), "[DONE]"]
            for (chunks, texts) in [(content, tokens.count), (call, fragments.count)] {
                var assembler = StreamAssembler(api: .chatCompletions)
                for data in chunks { assembler.consume(event: nil, data: data) }
                #expect(assembler.chatChunksReadAsChanges == texts - 1, "\(chunks)")
                _ = expectReadingAssemblesAsParsing(chunks, stream: 0)
            }
        }
    }

    /// Feeds `chunks` to a reader that takes each chunk as a change of the last when it can, and
    /// each alone to a new reader; expects the same result and, when read, the same state.
    /// Returns how many chunks the first reader took as changes.
    private func expectReadingChangesReadsAsWhole(_ chunks: [String], stream: Int) -> Int {
        var reader = ChatChunkReader()
        var previous = ""
        for var data in chunks {
            var alone = ChatChunkReader()
            let (read, readAlone) = data.withUTF8 { bytes in
                let read = previous.withUTF8 { reader.read(bytes, previous: $0) }
                return (read, alone.read(bytes, previous: UnsafeBufferPointer(start: nil, count: 0)))
            }
            #expect(read == readAlone, "stream \(stream): \(data)")
            guard read else { continue }
            previous = data
            #expect(reader.head == alone.head, "stream \(stream): \(data)")
            #expect(reader.choices == alone.choices, "stream \(stream): \(data)")
            #expect(reader.usage == alone.usage, "stream \(stream): \(data)")
        }
        return reader.changedReads
    }

    /// Feeds `chunks` to an assembler that reads their bytes and, parsed, to one that takes
    /// the trees (the reference); expects the same message and skipped count. Returns how many
    /// chunks parsed.
    private func expectReadingAssemblesAsParsing(_ chunks: [String], stream: Int) -> Int {
        var fromBytes = StreamAssembler(api: .chatCompletions)
        var fromTrees = StreamAssembler(api: .chatCompletions)
        var parsed = 0
        var skipped = 0
        for data in chunks {
            fromBytes.consume(event: nil, data: data)
            guard data != "[DONE]" else { continue }
            if let json = try? JSONValue(parsing: data) {
                fromTrees.consume(json: json)
                parsed += 1
            } else {
                skipped += 1
            }
        }
        #expect(
            fromBytes.assembled == fromTrees.assembled,
            "stream \(stream): \(chunks)\nbytes: \(fromBytes.assembled?.serialized() ?? "nil")\ntrees: \(fromTrees.assembled?.serialized() ?? "nil")"
        )
        #expect(fromBytes.skippedEvents == skipped, "stream \(stream): \(chunks)")
        return parsed
    }

    @Test func contentSplitAcrossChunksKeepsEscapesAndCharacters() throws {
        var assembler = StreamAssembler(api: .chatCompletions)
        let pieces = [#"caf\u00e9 "#, "😀 ", #"\"q\"\n"#, #"\ud83d\ude00"#, #"\ud83d"#, "end"]
        for piece in pieces {
            assembler.consume(
                event: nil,
                data:
                    #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":""#
                    + piece + #""},"finish_reason":null}]}"#)
        }
        let message = try #require(assembler.assembled?["choices"]?[0]?["message"])
        #expect(message["content"] == "café 😀 \"q\"\n😀\u{FFFD}end")
        #expect(message["role"] == "assistant")
        #expect(assembler.assembled?["id"] == "chatcmpl-1")
    }
}
