import Testing
import UnderstudyArchive
import UnderstudyWire

/// Anthropic deltas are kept aside and written into their block once (the text was set again
/// per delta, the tool input parsed again per fragment). Over many varied random event streams,
/// cut ones included, the assembled message must equal what the per-delta assembly gave: the
/// reference below is that assembly as it was.
struct AnthropicAssemblyTests {
    /// The per-delta assembly before (`AnthropicAssembler` of 27 Nov), the oracle.
    private struct Reference {
        var message: JSONValue?
        var blocks: [Int: JSONValue] = [:]
        var json: [Int: String] = [:]
        var error: JSONValue?

        mutating func consume(_ event: JSONValue, name: String?) {
            guard let type = event["type"]?.stringValue ?? name else { return }
            let index = event["index"]?.intValue ?? 0
            switch type {
            case "message_start": message = event["message"]
            case "content_block_start": if let block = event["content_block"] { blocks[index] = block }
            case "content_block_delta":
                guard let delta = event["delta"], var block = blocks[index] else { return }
                switch delta["type"]?.stringValue {
                case "text_delta":
                    block.set("text", .string((block["text"]?.stringValue ?? "") + (delta["text"]?.stringValue ?? "")))
                case "thinking_delta":
                    block.set(
                        "thinking",
                        .string((block["thinking"]?.stringValue ?? "") + (delta["thinking"]?.stringValue ?? "")))
                case "signature_delta": if let s = delta["signature"] { block.set("signature", s) }
                case "input_json_delta":
                    json[index, default: ""] += delta["partial_json"]?.stringValue ?? ""
                    let text = json[index]!
                    let parsed: JSONValue? =
                        text.allSatisfy(\.isWhitespace) ? .object([]) : try? JSONValue(parsing: text)
                    block.set("input", parsed ?? block["input"] ?? .object([]))
                case "citations_delta":
                    if let citation = delta["citation"] {
                        block.set("citations", .array((block["citations"]?.arrayValue ?? []) + [citation]))
                    }
                default: break
                }
                blocks[index] = block
            case "message_delta":
                guard var message else { return }
                for member in event["delta"]?.objectValue ?? [] { message.set(member.key, member.value) }
                if let usage = event["usage"]?.objectValue {
                    var merged = message["usage"] ?? .object([])
                    for member in usage where !member.value.isNull { merged.set(member.key, member.value) }
                    message.set("usage", merged)
                }
                self.message = message
            case "error": error = event
            default: break
            }
        }

        var assembled: JSONValue? {
            guard var message else { return error }
            message.set("content", .array(blocks.keys.sorted().map { blocks[$0]! }))
            if let error { message.set("error", error["error"] ?? error) }
            return message
        }
    }

    private static func events(_ random: inout SeededRandom) -> [JSONValue] {
        var events: [JSONValue] = [
            [
                "type": "message_start",
                "message": [
                    "id": "msg_1", "type": "message", "role": "assistant", "content": [], "model": "claude",
                    "stop_reason": nil, "usage": ["input_tokens": 12, "output_tokens": 1],
                ],
            ]
        ]
        let blocks: [JSONValue] = [
            ["type": "text", "text": ""], ["type": "text", "text": "Pre: "], ["type": "text"], ["type": "text", "text": nil],
            ["type": "thinking", "thinking": "", "signature": ""], ["type": "thinking"],
            ["type": "tool_use", "id": "toolu_1", "name": "lookup", "input": [:]],
            ["type": "tool_use", "id": "toolu_2", "name": "lookup"], ["type": "tool_use", "input": nil],
        ]
        let inputs = [#"{"q": "a \"b\" é", "n": [1, 2.0, {"x": null}]}"#, "  ", #"{"city":"Paris"}"#, "[1,", "12"]
        for _ in 0..<(2 + random.int(30)) {
            let index = random.pick([0, 0, 1, 2])
            switch random.int(100) {
            case 0..<12:
                events.append(["type": "content_block_start", "index": .int(index), "content_block": random.pick(blocks)])
            case 12..<45:
                let text: JSONValue = random.chance(90) ? random.pick(["Hel", "lo ", "wörld ", "😀", ""]) : 3
                events.append(["type": "content_block_delta", "index": .int(index), "delta": ["type": "text_delta", "text": text]])
            case 45..<55:
                events.append(
                    ["type": "content_block_delta", "index": .int(index), "delta": ["type": "thinking_delta", "thinking": "hm "]])
            case 55..<80:
                // Fragments of one input text, cut anywhere (inside escapes and characters too).
                let input = Array(random.pick(inputs))
                var start = 0
                while start < input.count {
                    let end = min(input.count, start + 1 + random.int(6))
                    events.append(
                        [
                            "type": "content_block_delta", "index": .int(index),
                            "delta": ["type": "input_json_delta", "partial_json": .string(String(input[start..<end]))],
                        ])
                    start = end
                }
            case 80..<85:
                events.append(
                    ["type": "content_block_delta", "index": .int(index), "delta": ["type": "signature_delta", "signature": "sig"]])
            case 85..<90:
                events.append(
                    [
                        "type": "content_block_delta", "index": .int(index),
                        "delta": ["type": "citations_delta", "citation": ["cited_text": "x"]],
                    ])
            case 90..<95:
                events.append(
                    [
                        "type": "message_delta", "delta": ["stop_reason": "end_turn", "stop_sequence": nil],
                        "usage": ["output_tokens": .int(random.int(50)), "input_tokens": nil],
                    ])
            default:
                events.append(["type": "content_block_stop", "index": .int(index)])
            }
        }
        events.append(["type": "message_stop"])
        // Cut streams too: the recorder assembles whatever arrived.
        return random.chance(30) ? Array(events.prefix(1 + random.int(events.count))) : events
    }

    @Test func deltasSetAsideAssembleWhatPerDeltaAssemblyDid() throws {
        var random = SeededRandom(state: 0xA17)
        for stream in 0..<800 {
            let events = Self.events(&random)
            var assembler = StreamAssembler(api: .messages)
            var reference = Reference()
            for event in events {
                assembler.consume(json: event)
                reference.consume(event, name: nil)
            }
            #expect(
                assembler.assembled == reference.assembled,
                "stream \(stream): \(events.map { $0.serialized() })\nnew: \(assembler.assembled?.serialized() ?? "nil")\nold: \(reference.assembled?.serialized() ?? "nil")"
            )
        }
    }

    @Test func longStreamsAssembleTextAndToolInput() throws {
        var assembler = StreamAssembler(api: .messages)
        assembler.consume(json: ["type": "message_start", "message": ["id": "m", "content": [], "usage": ["input_tokens": 3]]])
        assembler.consume(json: ["type": "content_block_start", "index": 0, "content_block": ["type": "text", "text": ""]])
        assembler.consume(
            json: ["type": "content_block_start", "index": 1, "content_block": ["type": "tool_use", "name": "f", "input": [:]]])
        let input = #"{"items":["# + (0..<2_000).map { "\($0)" }.joined(separator: ",") + "]}"
        for piece in stride(from: 0, to: input.count, by: 3).map({ Array(input)[$0..<min(input.count, $0 + 3)] }) {
            assembler.consume(
                event: "content_block_delta",
                data: #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ab"}}"#)
            assembler.consume(
                json: [
                    "type": "content_block_delta", "index": 1,
                    "delta": ["type": "input_json_delta", "partial_json": .string(String(piece))],
                ])
        }
        let content = try #require(assembler.assembled?["content"]?.arrayValue)
        #expect(content[0]["text"]?.stringValue == String(repeating: "ab", count: (input.count + 2) / 3))
        #expect(content[1]["input"]?["items"]?.arrayValue?.count == 2_000)
    }
}
