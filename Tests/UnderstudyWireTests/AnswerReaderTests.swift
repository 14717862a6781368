import Testing
import UnderstudyArchive
import UnderstudyWire

/// An unstreamed answer's usage and model are read from its bytes without building values
/// (`AnswerReader`). Differential: thousands of seeded random answers (escaped and duplicated
/// names, whitespace, invalid escapes and numbers, cut bodies, non-object usage) interpreted by
/// the recorder and by a copy of the walk it replaced, which built `usage` and `model` as values:
/// the record's `llm` must not change by one byte.
struct AnswerReaderTests {
    private static let targets: [(LLMEndpoint.API, String)] = [
        (.chatCompletions, "/v1/chat/completions"), (.responses, "/v1/responses"), (.embeddings, "/v1/embeddings"),
        (.messages, "/v1/messages"), (.generateContent, "/v1beta/models/gemini-2.0-flash:generateContent"),
    ]

    @Test func usageAndModelAreThoseOfTheWalkThatBuiltValues() throws {
        var random = SeededRandom(state: 0x5EED_0A45)
        var valid = 0
        var withUsage = 0
        var withResponseModel = 0
        for i in 0..<6000 {
            let (api, target) = Self.targets[i % Self.targets.count]
            let requestBody = random.chance(50) ? #"{"model":"m-request"}"# : #"{"messages":[]}"#
            var generator = AnswerGenerator(random: random)
            let body = Array(generator.answer().utf8)
            random = generator.random
            let request = Exchange.Request(
                method: "POST", target: target, headers: [HTTPHeaderField("Content-Type", "application/json")],
                body: HTTPBody(bytes: Array(requestBody.utf8)))
            let response = Exchange.Response(
                status: 200, headers: [HTTPHeaderField("Content-Type", "application/json")], body: HTTPBody(bytes: body)
            )
            let info = try #require(ExchangeInterpreter.interpret(request: request, response: response))
            // Gemini's unstreamed array of chunks is assembled, not read: not this path.
            if api == .generateContent,
                body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "[")
            {
                continue
            }
            // What the request alone says (its body's or path's model), as the old walk started from.
            var expected = try #require(ExchangeInterpreter.interpret(request: request, response: nil))
            if let members = Self.oldAnswerMembers(body) {
                // Kept as its bytes exactly when the writer would write them unchanged.
                expected.setAssembled(validJSON: body, compact: Self.writerKeepsUnchanged(body))
                expected.usage = Self.oldUsage(in: members, api: api)
                if expected.model == nil { expected.model = Self.oldModel(in: members) }
                valid += 1
            }
            let text = String(decoding: body, as: UTF8.self)
            #expect(info == expected, "answer \(i) (\(api)): \(text)")
            #expect(info.assembledJSON == expected.assembledJSON, "answer \(i) (\(api)): \(text)")
            if info.usage != nil { withUsage += 1 }
            if ExchangeInterpreter.interpret(request: request, response: nil)?.model == nil, info.model != nil {
                withResponseModel += 1
            }
        }
        // The generator must reach every side: valid and invalid bodies, usage and response models read.
        #expect(valid > 1800 && valid < 5400, "valid: \(valid)")
        #expect(withUsage > 200, "with usage: \(withUsage)")
        #expect(withResponseModel > 150, "with the response's model: \(withResponseModel)")
    }

    /// Whether an answer is kept as its own bytes (compact form) is learnt in the walk that reads
    /// usage and model, not in a second pass: for each body, kept as its bytes exactly when a
    /// parse and the compact writer give them back unchanged, and the same message either way.
    /// Not `JSONValue.isCompactForm` as the reference: it shares its string scan with the walk.
    /// Bytes no Swift string holds (invalid UTF-8) and whitespace or escapes in every place the
    /// walk reads differently (names, usage, model, skipped values, nested arrays).
    @Test func compactFormIsLearntInTheWalk() throws {
        let texts: [String] = [
            #"{"id":"x","model":"m","usage":{"prompt_tokens":1,"completion_tokens":2},"a":[[1,[2]],{"b":null}]}"#,
            #"{"id":"x", "usage":{"prompt_tokens":1}}"#, #"{"id" :"x"}"#, #"{"usage":{"prompt_tokens": 1}}"#,
            #"{"a":[[1, 2]]}"#, #"{"a":[[1,2] ]}"#, #"{"a":{"b":[true,false,null]}} "#, "\n{\"a\":1}",
            #"{"model":"gpt\u002d4"}"#, #"{"model":"gpt-\u00e9"}"#, #"{"model":"gpt-é\n"}"#,
            #"{"model":"\u001f"}"#, #"{"model":"\u001F"}"#, #"{"mod\u0065l":"m"}"#, #"{"é":"\/"}"#,
            #"{"usage":{"prompt_tokens":1,"x\ty":"\u0000"}}"#, #"{"usage":{"prompt_tokens":1,"x":"\u000a"}}"#,
            #"{"a":"\ud83d\ude00"}"#, #"{"a":"😀"}"#, #"{"a":"\x"}"#, #"{"a":"\u12G4"}"#, #"{"a":[1,"b"],}"#,
        ]
        // Values the walk skips with `skipValueStrictly` (usage members it does not count, a model
        // that is no string), which walks objects and arrays in loops of its own: whitespace in
        // them is read but not compact, a trailing comma in them is refused.
        let strictlySpaced = [
            #"{"usage":{"prompt_tokens_details":{"cached_tokens": 0}}}"#, #"{"usage":{"x":[1 ,2]}}"#,
            #"{"usage":{"x":{ }}}"#, "{\"model\":[1,\n2]}",
        ]
        let strictlyBroken = [#"{"usage":{"x":{"a":1,}}}"#, #"{"usage":{"x":[1,]}}"#]
        var bodies: [[UInt8]] = (texts + strictlySpaced + strictlyBroken).map { Array($0.utf8) }
        // Invalid UTF-8 (a parse repairs it, so it is not compact), in a value, a name and the model.
        let sequences: [[UInt8]] = [
            [0xC3, 0x28], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF],
            [0xF0, 0x9F, 0x99, 0x82], [0xC3, 0xA9],
        ]
        for raw in sequences {
            let (before, after): ([UInt8], [UInt8]) = (Array(#"{"a":""#.utf8), Array(#""}"#.utf8))
            bodies.append(before + raw + after)
            let (nameBefore, nameAfter): ([UInt8], [UInt8]) = (Array(#"{""#.utf8), Array(#"":1}"#.utf8))
            bodies.append(nameBefore + raw + nameAfter)
            let model: [UInt8] = Array(#"{"model":""#.utf8)
            let usage: [UInt8] = Array(#"","usage":{"prompt_tokens":3}}"#.utf8)
            bodies.append(model + raw + usage)
        }
        func interpret(_ body: [UInt8], requestModel: Bool) throws -> Exchange.LLMInfo {
            try #require(
                ExchangeInterpreter.interpret(
                    request: .init(
                        method: "POST", target: "/v1/chat/completions",
                        body: HTTPBody(bytes: Array((requestModel ? #"{"model":"m"}"# : "{}").utf8))),
                    response: .init(status: 200, body: HTTPBody(bytes: body))))
        }
        var compact = 0
        var parsed = 0
        for body in bodies {
            for requestModel in [true, false] {  // the model is parsed only when the request named none
                let info = try interpret(body, requestModel: requestModel)
                let text = String(decoding: body, as: UTF8.self)
                #expect(info.assembledJSON == (Self.writerKeepsUnchanged(body) ? body : nil), "\(text)")
                #expect(info.assembled == (try? JSONValue(parsing: body)), "\(text)")
                if info.assembledJSON != nil { compact += 1 } else if info.assembled != nil { parsed += 1 }
            }
        }
        #expect(compact >= 20 && parsed >= 40, "compact \(compact), parsed \(parsed)")
        for text in strictlySpaced + strictlyBroken {
            let info = try interpret(Array(text.utf8), requestModel: false)
            #expect(info.assembledJSON == nil, "\(text)")
            #expect(info.hasAssembled == strictlySpaced.contains(text), "\(text)")
        }
    }

    @Test func countsFromEachAPIsUsageMember() throws {
        func read(_ target: String, _ body: String) throws -> Exchange.Usage? {
            let info = try #require(
                ExchangeInterpreter.interpret(
                    request: .init(
                        method: "POST", target: target, body: HTTPBody(bytes: Array(#"{"model":"m"}"#.utf8))),
                    response: .init(status: 200, body: HTTPBody(bytes: Array(body.utf8)))))
            return info.usage
        }
        #expect(
            try read("/v1/chat/completions", #"{"usage":{"prompt_tokens":12,"completion_tokens":3.0e0}}"#)
                == Exchange.Usage(inputTokens: 12, outputTokens: 3))
        #expect(
            try read(
                "/v1/messages",
                #"{"usage":{"input_tokens":5,"cache_read_input_tokens":100,"cache_creation_input_tokens":7,"output_tokens":9}}"#
            ) == Exchange.Usage(inputTokens: 112, outputTokens: 9))
        #expect(
            try read(
                "/v1beta/models/g:generateContent",
                #"{"usage":{"promptTokenCount":1},"usageMetadata":{"promptTokenCount":4,"thoughtsTokenCount":2,"candidatesTokenCount":6}}"#
            ) == Exchange.Usage(inputTokens: 4, outputTokens: 8))
        // The first member of a name counts, even when it is no number; escaped names are names.
        #expect(
            try read("/v1/responses", #"{"us\u0061ge":{"input_tokens":"7","input_tokens":8,"output_tokens":2}}"#)
                == Exchange.Usage(inputTokens: nil, outputTokens: 2))
        #expect(try read("/v1/responses", #"{"usage":null,"usage":{"input_tokens":1}}"#) == nil)
        // An invalid escape inside usage makes the body unreadable, as a full parse would.
        #expect(try read("/v1/responses", #"{"usage":{"input_tokens":1,"note":"\x"}}"#) == nil)
    }

    /// Counts are read from their digits when they are plain integers: every spelling near that
    /// fast path's edges (18 and 19 digits, `Int`'s limits, minus signs, zero, fractions and
    /// exponents) must count as the parsed number's `intValue` does.
    @Test func countsAreTheNumbersTheySpell() throws {
        var spellings = ["0", "-0", "7", "-7", "12.0", "12.5", "1e3", "1E+2", "25e-1", "-3.0e0", "0.0"]
        for digits in 1...21 {
            let nines = String(repeating: "9", count: digits)
            let power = "1" + String(repeating: "0", count: digits - 1)
            spellings += [nines, "-" + nines, power, "-" + power]
        }
        spellings += ["\(Int.max)", "\(Int.min)", "9223372036854775808", "-9223372036854775809", "123456789012345678"]
        for text in spellings {
            let body = #"{"usage":{"prompt_tokens":"# + text + #","completion_tokens":1}}"#
            let info = try #require(
                ExchangeInterpreter.interpret(
                    request: .init(
                        method: "POST", target: "/v1/chat/completions", body: HTTPBody(bytes: Array(#"{"model":"m"}"#.utf8))),
                    response: .init(status: 200, body: HTTPBody(bytes: Array(body.utf8)))))
            #expect(info.usage?.inputTokens == JSONValue.number(text).intValue, "\(text)")
        }
    }

    /// Token counts come from the upstream: sums that overflow saturate instead of trapping (a trap
    /// would take the recorder thread, and with it the proxy, down on one broken answer).
    @Test func overflowingTokenSumsSaturate() throws {
        let max = Int.max
        for (target, body) in [
            ("/v1/messages", #"{"usage":{"input_tokens":\#(max),"cache_read_input_tokens":\#(max),"output_tokens":1}}"#),
            (
                "/v1beta/models/g:generateContent",
                #"{"usageMetadata":{"promptTokenCount":2,"thoughtsTokenCount":\#(max),"candidatesTokenCount":9}}"#
            ),
        ] {
            let info = try #require(
                ExchangeInterpreter.interpret(
                    request: .init(method: "POST", target: target, body: HTTPBody(bytes: Array(#"{"model":"m"}"#.utf8))),
                    response: .init(status: 200, body: HTTPBody(bytes: Array(body.utf8)))))
            let usage = try #require(info.usage, "\(target)")
            #expect([usage.inputTokens, usage.outputTokens].contains(Int.max), "\(target): \(usage)")
        }
    }

    /// The compact form by its definition: a parse, serialised by the writer, gives the same bytes.
    private static func writerKeepsUnchanged(_ body: [UInt8]) -> Bool {
        (try? JSONValue(parsing: body)).map { $0.serializedBytes() == body } ?? false
    }

    // MARK: The walk this replaced (ExchangeInterpreter before AnswerReader), kept as the reference.

    private static func oldAnswerMembers(_ body: [UInt8]) -> JSONValue? {
        body.withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(buffer)
            var members: [JSONMember] = []
            do {
                if cursor.peek() == UInt8(ascii: "{") {
                    try cursor.forEachMember { (c, key) throws(JSONParseError) in
                        switch key {
                        case "usage", "usageMetadata", "model", "modelVersion":
                            members.append(JSONMember(key, try c.parseValue(depth: 1)))
                        default:
                            _ = try c.skipValue(depth: 1)
                        }
                    }
                } else {
                    _ = try cursor.skipValue()
                }
            } catch {
                return nil
            }
            cursor.skipWhitespace()
            return cursor.isAtEnd ? .object(members) : nil
        }
    }

    private static func oldUsage(in assembled: JSONValue, api: LLMEndpoint.API) -> Exchange.Usage? {
        switch api {
        case .chatCompletions, .embeddings:
            guard let usage = assembled["usage"], !usage.isNull else { return nil }
            return Exchange.Usage(
                inputTokens: usage["prompt_tokens"]?.intValue, outputTokens: usage["completion_tokens"]?.intValue)
        case .responses:
            guard let usage = assembled["usage"], !usage.isNull else { return nil }
            return Exchange.Usage(
                inputTokens: usage["input_tokens"]?.intValue, outputTokens: usage["output_tokens"]?.intValue)
        case .messages:
            guard let usage = assembled["usage"], !usage.isNull else { return nil }
            let parts = ["input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"].compactMap {
                usage[$0]?.intValue
            }
            return Exchange.Usage(
                inputTokens: parts.isEmpty ? nil : parts.reduce(0, +), outputTokens: usage["output_tokens"]?.intValue)
        case .generateContent:
            guard let usage = assembled["usageMetadata"], !usage.isNull else { return nil }
            let output = ["candidatesTokenCount", "thoughtsTokenCount"].compactMap { usage[$0]?.intValue }
            return Exchange.Usage(
                inputTokens: usage["promptTokenCount"]?.intValue,
                outputTokens: output.isEmpty ? nil : output.reduce(0, +))
        }
    }

    private static func oldModel(in assembled: JSONValue) -> String? {
        assembled["model"]?.stringValue ?? assembled["modelVersion"]?.stringValue
    }
}

/// Random answer bodies near the shapes that matter: names that usage and model come from
/// (escaped, duplicated, near misses), counts of every API, and the faults a reader must refuse.
private struct AnswerGenerator {
    var random: SeededRandom

    private static let topNames = [
        "id", "object", "model", "modelVersion", "usage", "usageMetadata", "choices", "content", "us\\u0061ge",
        "mod\\u0065l", "\\u0075sageMetadata", "Usage", "usage ", "m", "u", "mödel", "model\\u0000", "modelVersio",
    ]
    private static let wantedNames = ["usage", "usageMetadata", "model", "modelVersion"]
    private static let usageNames = [
        "prompt_tokens", "completion_tokens", "total_tokens", "input_tokens", "output_tokens",
        "cache_creation_input_tokens", "cache_read_input_tokens", "promptTokenCount", "candidatesTokenCount",
        "thoughtsTokenCount", "prompt_tokens_details", "input_t\\u006fkens", "prompt\\u005ftokens", "output_tokens ",
    ]
    private static let numbers = [
        "12", "0", "-3", "1.0", "1e3", "12.5", "2E+2", "-0", "9223372036854775807", "9223372036854775808", "1e400",
        "4.5e15", "00", "1.", "-", "+1", "0x10", "7",
    ]
    private static let strings = [
        #""gpt-4o""#, #""""#, #""a\"b\\c\/d\n\u00e9\ud83d\ude00""#, #""\x""#, #""\u12G4""#, #""\ud800\u0041""#,
        "\"tab\there\"", #""é🙂""#, #""unterminated"#, #""gemini-2.0""#,
        // Escapes the writer writes (compact) and their spellings it does not.
        #""\u001f\n\"\\""#, #""\u001F""#, #""\u0009""#, #""\b\f""#, #""a b""#,
    ]

    init(random: SeededRandom) { self.random = random }

    mutating func answer() -> String {
        var text: String
        switch random.int(20) {
        case 0: text = value(depth: 2)
        case 1: text = "[" + member(Self.topNames) + "]"
        default:
            let count = random.int(7)
            text =
                "{"
                + (0..<count).map { _ in member(random.chance(40) ? Self.wantedNames : Self.topNames) }.joined(
                    separator: ",") + "}"
        }
        if random.chance(8) { text = String(text.prefix(random.int(text.count + 1))) }
        if random.chance(8) { text = random.pick([" ", "\n", "\t"]) + text + random.pick(["", " ", "\r\n", "x"]) }
        return text
    }

    private mutating func member(_ names: [String]) -> String {
        let name = random.pick(names)
        let value: String
        switch name {
        case "usage", "usageMetadata", "us\\u0061ge", "\\u0075sageMetadata":
            value = random.chance(80) ? usage() : self.value(depth: 1)
        case "model", "modelVersion", "mod\\u0065l":
            value = random.chance(80) ? random.pick(Self.strings) : self.value(depth: 1)
        default:
            value = self.value(depth: 2)
        }
        return "\"" + name + "\"" + space() + ":" + space() + value
    }

    private mutating func usage() -> String {
        let count = random.int(6)
        return "{"
            + (0..<count).map { _ in
                let name = random.pick(Self.usageNames)
                let value = random.chance(75) ? random.pick(Self.numbers) : self.value(depth: 1)
                return "\"" + name + "\":" + space() + value
            }.joined(separator: ",") + "}"
    }

    private mutating func value(depth: Int) -> String {
        switch random.int(depth > 0 ? 8 : 5) {
        case 0: return random.pick(Self.numbers)
        case 1, 2: return random.pick(Self.strings)
        case 3: return random.pick(["true", "false", "null", "nul", "tru"])
        case 4: return "null"
        case 5:
            return "[" + (0..<random.int(3)).map { _ in value(depth: depth - 1) }.joined(separator: ",") + "]"
        default:
            let count = random.int(3)
            return "{"
                + (0..<count).map { _ in
                    "\"" + random.pick(["k", "model", "usage", "a\\tb", "\\q"]) + "\":" + value(depth: depth - 1)
                }.joined(separator: ",") + "}"
        }
    }

    private mutating func space() -> String { random.chance(10) ? random.pick([" ", "\n", " \t"]) : "" }
}
