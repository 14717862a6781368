import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt format v4 (v3 without prompt features) against the trainer's golden file (distill/trainer/tests/golden/prompt_format_v4.jsonl):
/// v1 cases (no request tools) and cases whose request brings its own tools.
struct PromptRendererTests {
    struct Case {
        var name: String
        var messages: [PromptRenderer.Message]
        var target: OrderedJSON
        var tools: [String: OrderedJSON]
        /// The request's own tools (v2), nil for none.
        var requestTools: [PromptRenderer.Tool]?
        var promptText: String
        var promptHead: String
        var targetText: String
        var slots: [PromptSlotTable.Slot]
    }

    static func cases(file: String = "prompt_format_v4.jsonl") throws -> [Case] {
        let url = TestEnvironment.repositoryRoot.appendingPathComponent("distill/trainer/tests/golden/" + file)
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { line in
            let item = try OrderedJSON.parse(String(line))
            guard case .array(let messages)? = item["messages"], case .array(let tools)? = item["tools"],
                case .array(let slots)? = item["slots"], case .string(let name)? = item["name"],
                case .string(let prompt)? = item["prompt_text"], case .string(let target)? = item["target_text"],
                case .string(let head)? = item["prompt_head"]
            else { throw ReferenceError("unexpected golden line \(line.prefix(80))") }
            func calls(_ value: OrderedJSON?) -> [(name: String, arguments: OrderedJSON?)] {
                guard case .array(let list)? = value else { return [] }
                return list.map { call in
                    guard case .string(let n)? = call["name"] else { return ("", nil) }
                    if case .null? = call["arguments"] { return (n, nil) }
                    return (n, call["arguments"])
                }
            }
            let parsed = messages.map { m -> PromptRenderer.Message in
                guard case .string(let role)? = m["role"] else { return .init(role: "?", content: nil) }
                var content: String? = nil
                if case .string(let c)? = m["content"] { content = c }
                return .init(role: role, content: content, toolCalls: calls(m["tool_calls"]))
            }
            var toolTable: [String: OrderedJSON] = [:]
            for tool in tools { if case .string(let n)? = tool["name"] { toolTable[n] = tool["parameters"] } }
            let slotList = slots.map { s -> PromptSlotTable.Slot in
                guard case .string(let t)? = s["text"], case .string(let k)? = s["kind"] else {
                    return .init(text: "", kind: "")
                }
                var toolName = false
                var key = false
                if case .bool(true)? = s["tool_name"] { toolName = true }
                if case .bool(true)? = s["key"] { key = true }
                return .init(text: t, kind: k, isToolName: toolName, isKey: key)
            }
            var requestTools: [PromptRenderer.Tool]? = nil
            if case .array(let list)? = item["request_tools"] {
                requestTools = list.map { tool in
                    if case .string(let n)? = tool["name"] { return (n, tool["parameters"]) }
                    return ("", tool["parameters"])
                }
            }
            return Case(
                name: name, messages: parsed, target: item["target"] ?? .null, tools: toolTable,
                requestTools: requestTools, promptText: prompt, promptHead: head, targetText: target, slots: slotList)
        }
    }

    @Test func rendersPromptsSlotsAndTargetsLikeTheTrainer() throws {
        let cases = try Self.cases()
        #expect(cases.count >= 5)
        #expect(cases.contains { $0.requestTools != nil }, "no case with request tools (v2)")
        #expect(cases.contains { $0.slots.contains(where: \.isKey) }, "no case with parameter-name slots (v3)")
        for item in cases {
            let prompt = try PromptRenderer.renderPrompt(item.messages, tools: item.requestTools)
            #expect(prompt.text == item.promptText, "\(item.name)")
            #expect(prompt.head == item.promptHead, "\(item.name)")
            #expect(prompt.slots.slots == item.slots, "\(item.name)")
            var content: String? = nil
            if case .string(let c)? = item.target["content"] { content = c }
            var calls: [(name: String, arguments: OrderedJSON?)] = []
            if case .array(let list)? = item.target["tool_calls"] {
                for call in list { if case .string(let n)? = call["name"] { calls.append((n, call["arguments"])) } }
            }
            #expect(
                PromptRenderer.renderResponse(
                    content: content, calls: calls, table: prompt.slots, nameSlots: prompt.nameSlots) == item.targetText,
                "\(item.name)")
        }
    }

    @Test func restoresTargetsToTheRecordedResponse() throws {
        for item in try Self.cases() {
            let prompt = try PromptRenderer.renderPrompt(item.messages, tools: item.requestTools)
            let response = try AnswerRestorer.restore(item.targetText, slots: prompt.slots, tools: item.tools)
            var expected: [AnswerRestorer.Response.ToolCall] = []
            if case .array(let list)? = item.target["tool_calls"] {
                for call in list {
                    if case .string(let n)? = call["name"] {
                        expected.append(.init(name: n, arguments: call["arguments"] ?? .object([])))
                    }
                }
            }
            #expect(response.toolCalls.map(\.name) == expected.map(\.name), "\(item.name)")
            var content: String? = nil
            if case .string(let c)? = item.target["content"] { content = c }
            #expect(response.content == content, "\(item.name)")
            for (ours, theirs) in zip(response.toolCalls, expected) {
                #expect(
                    Self.sameMembers(ours.arguments, theirs.arguments),
                    "\(item.name): \(ours.arguments.jsonText) vs \(theirs.arguments.jsonText)")
            }
        }
    }

    /// v3: an argument key written as a slot must be a parameter name, not a value.
    @Test func keySlotThatIsNoParameterNameIsAnError() throws {
        let tools = [(name: "get_weather", parameters: try OrderedJSON.parse(#"{"properties":{"city":{"type":"string"}}}"#))]
        let prompt = try PromptRenderer.renderPrompt([.init(role: "user", content: "Weather in Oslo")], tools: tools)
        let city = try #require(prompt.slots.slots.firstIndex { $0.isKey && $0.text == "city" })
        let oslo = try #require(prompt.slots.slots.firstIndex { $0.text == "Oslo" })
        let name = try #require(prompt.slots.slots.firstIndex { $0.isToolName })
        #expect(oslo == 0, "v3 numbers the question's values first")
        let good = try AnswerRestorer.restore(
            #"{"content":null,"tool_calls":[{"name":<S\#(name)>,"arguments":{"<S\#(city)>":<S\#(oslo)>}}]}"#,
            slots: prompt.slots, tools: ["get_weather": tools[0].parameters])
        #expect(good.toolCalls.first?.arguments.jsonText == #"{"city":"Oslo"}"#)
        #expect(throws: InferenceError.self) {
            _ = try AnswerRestorer.restore(
                #"{"content":null,"tool_calls":[{"name":<S\#(name)>,"arguments":{"<S\#(oslo)>":<S\#(oslo)>}}]}"#,
                slots: prompt.slots, tools: [:])
        }
    }

    @Test func answerWithUnknownSlotIsAnError() throws {
        let table = try PromptRenderer.renderPrompt([.init(role: "user", content: "to USR1")]).slots
        #expect(table.slots.count == 1)
        #expect(throws: InferenceError.self) {
            _ = try AnswerRestorer.restore(
                #"{"content":null,"tool_calls":[{"name":"f","arguments":{"a":<S3>}}]}"#, slots: table, tools: [:])
        }
    }

    /// Objects equal regardless of member order (the trainer sorts argument keys).
    static func sameMembers(_ a: OrderedJSON, _ b: OrderedJSON) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            return x.count == y.count
                && x.allSatisfy { m in y.contains { $0.key == m.key && sameMembers($0.value, m.value) } }
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { sameMembers($0, $1) }
        default: return a == b
        }
    }
}
