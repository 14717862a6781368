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
            members.append(("logprobs", random.pick(["null", #"{"content":[{"token":"a\\u0041","logprob":-0.1,"bytes":[97]}]}"#])))
            if random.chance(80) { members.append(("finish_reason", random.pick(["null", "null", "\"stop\"", "\"tool_calls\"", "1"]))) }
            return object(members.shuffled(using: &random))
        }

        mutating func chunk() -> String {
            switch random.int(100) {
            case 0..<2: return random.pick(["[]", "\"text\"", "42", "null"])
            case 2..<4: return #"{"error":{"message":"overloaded","type":"server_error"}}"#
            case 4..<6: return random.pick([#"{"choices":["#, #"{"id":"x"} trailing"#, #"{"id":"bad \x escape"}"#, "{\"id\":\"ctl\u{1}\"}"])
            case 6..<8:
                let depth = random.pick([100, 510, 511, 600])
                return #"{"id":"c","nested":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
            default: break
            }
            var members: [(String, String)] = []
            if random.chance(90) { members.append(("id", random.pick(["\"chatcmpl-1\"", "\"chatcmpl-2\"", "null"]))) }
            members.append(("object", "\"chat.completion.chunk\""))
            if random.chance(90) { members.append(("created", random.pick(["1730000000", "1730000000.0", "null", "\"soon\""]))) }
            if random.chance(90) { members.append(("model", random.pick(["\"gpt-4o\"", "\"gpt-4o-mini\"", "null", #""m\u006fdel""#]))) }
            if random.chance(30) { members.append(("service_tier", random.pick(["\"default\"", "null", "\"flex\""]))) }
            if random.chance(30) { members.append(("system_fingerprint", random.pick(["\"fp_1\"", "null", "{}"]))) }
            if random.chance(5) {
                members.append(("choices", scalar()))
            } else {
                let choices = (0..<random.pick([0, 1, 1, 1, 2, 3])).map { _ in choice() }
                members.append(("choices", "[" + choices.joined(separator: ",") + "]"))
            }
            if random.chance(30) {
                members.append(("usage", random.pick(["null", #"{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}"#])))
            }
            return object(members.shuffled(using: &random))
        }
    }

    @Test func readingChunksFromBytesAssemblesWhatParsingThemDoes() throws {
        var writer = ChunkWriter(random: SeededRandom(state: 0x5EED))
        var read = 0
        for stream in 0..<600 {
            let chunks = (0..<(1 + writer.random.int(14))).map { _ in writer.chunk() } + ["[DONE]"]
            read += expectReadingAssemblesAsParsing(chunks, stream: stream)
        }
        // The generator must mostly produce chunks that parse, or the comparison says little.
        #expect(read > 3_000)
    }

    /// Real streams repeat one chunk with only the token changed, which the reader takes as a
    /// change of the previous chunk's text when it can: tokens that are plain, escaped, raw
    /// quotes or control bytes, multi-byte characters sharing their first bytes, and chunks that
    /// change elsewhere (id, finish, usage, member order, a switch between content and tool call
    /// arguments) must all assemble as the parsed chunks do.
    @Test func chunksThatChangeOnlyTheirTokenAssembleAsParsed() throws {
        var random = SeededRandom(state: 0x70_4E4E)
        let tokens = [
            "Hello", " world", "", "é", "è", "😀", "😁", " caf", #"\"q\""#, #"\n"#, #"\u00e9"#, "a\"b", "\u{1}",
            #"\"#, #""},"x":""#, #"{\"city\": \"Par"#, "is", " ", "  ", "\t", "ok\u{7F}",
        ]
        var taken = 0
        for stream in 0..<400 {
            var chunks: [String] = []
            var arguments = random.chance(30)
            var id = "chatcmpl-1"
            let late = random.chance(20)  // `model` after `choices`: its range follows the text
            let space = random.chance(20) ? " " : ""
            for _ in 0..<(2 + random.int(30)) {
                if random.chance(8) { arguments.toggle() }
                if random.chance(5) { id = random.pick(["chatcmpl-1", "chatcmpl-2"]) }
                let token = random.pick(tokens)
                let delta = arguments
                    ? #"{"tool_calls":[{"index":0,"function":{"arguments":""# + token + #""}}]}"#
                    : #"{"content":"\#(space)"# + token + #""}"#
                let finish = random.chance(5) ? #""stop""# : "null"
                let model = #""model":"gpt-4o""#
                var members = [#""id":"\#(id)""#, #""object":"chat.completion.chunk""#, #""created":1730000000"#]
                if !late { members.append(model) }
                members.append(#""choices":[{"index":0,"delta":\#(delta),"logprobs":null,"finish_reason":\#(finish)}]"#)
                if late { members.append(model) }
                if random.chance(5) { members.append(#""usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}"#) }
                chunks.append("{" + members.joined(separator: "," + space) + "}")
            }
            taken += expectReadingAssemblesAsParsing(chunks, stream: stream)
        }
        #expect(taken > 3_000)
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
                data: #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":""#
                    + piece + #""},"finish_reason":null}]}"#)
        }
        let message = try #require(assembler.assembled?["choices"]?[0]?["message"])
        #expect(message["content"] == "café 😀 \"q\"\n😀\u{FFFD}end")
        #expect(message["role"] == "assistant")
        #expect(assembler.assembled?["id"] == "chatcmpl-1")
    }
}
