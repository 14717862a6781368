/// Turns a recorded exchange into one line of OpenAI fine-tune JSONL:
/// `{"messages":[…, <the recorded answer>], "tools":[…]}`. OpenAI Chat Completions requests keep
/// their messages; Anthropic Messages requests are converted to the OpenAI message form (system
/// prompt as a system message, `tool_use` blocks as `tool_calls`, `tool_result` blocks as `tool`
/// messages, tools as `{"type":"function","function":{…}}`).
///
/// ```swift
/// if let line = OpenAIFineTuneExport.line(for: exchange) { print(line.serialized()) }
/// ```
public enum OpenAIFineTuneExport {
    /// The fine-tune example, or nil when the exchange is not a successful chat call with a
    /// recorded answer (`llm.assembled`).
    public static func line(for exchange: Exchange) -> JSONValue? {
        guard exchange.outcome == .ok, let llm = exchange.llm, let answer = llm.assembled,
            let status = exchange.response?.status, (200..<300).contains(status),
            let body = exchange.request.body.json
        else { return nil }
        switch llm.api {
        case "chat.completions":
            guard var messages = body["messages"]?.arrayValue else { return nil }
            messages.append(openAIAssistant(answer))
            var out: JSONValue = ["messages": .array(messages)]
            if let tools = body["tools"], !tools.isNull { out.set("tools", tools) }
            return out
        case "messages":
            var messages: [JSONValue] = []
            if let system = text(of: body["system"]), !system.isEmpty {
                messages.append(["role": "system", "content": .string(system)])
            }
            for message in body["messages"]?.arrayValue ?? [] {
                messages += anthropicToOpenAI(message)
            }
            messages += anthropicToOpenAI(["role": "assistant", "content": answer["content"] ?? .null])
            var out: JSONValue = ["messages": .array(messages)]
            if let tools = body["tools"]?.arrayValue, !tools.isEmpty {
                out.set(
                    "tools",
                    .array(
                        tools.map { tool in
                            [
                                "type": "function",
                                "function": [
                                    "name": tool["name"] ?? .null, "description": tool["description"] ?? .null,
                                    "parameters": tool["input_schema"] ?? ["type": "object"],
                                ],
                            ]
                        }))
            }
            return out
        default:
            return nil
        }
    }

    /// An OpenAI assistant message from `assembled` (a message, or a whole completion).
    static func openAIAssistant(_ assembled: JSONValue) -> JSONValue {
        if let message = assembled["choices"]?[0]?["message"] { return clean(message) }
        return clean(assembled)
    }

    private static func clean(_ message: JSONValue) -> JSONValue {
        var out: JSONValue = ["role": "assistant", "content": message["content"] ?? .null]
        if let calls = message["tool_calls"], !calls.isNull, calls.arrayValue?.isEmpty == false {
            out.set("tool_calls", calls)
        }
        return out
    }

    /// Text of a string or of a list of text blocks, joined with newlines.
    static func text(of value: JSONValue?) -> String? {
        guard let value else { return nil }
        if let s = value.stringValue { return s }
        guard let blocks = value.arrayValue else { return nil }
        return blocks.compactMap { $0["type"]?.stringValue == "text" ? $0["text"]?.stringValue : nil }.joined(
            separator: "\n")
    }

    /// One Anthropic message as OpenAI messages (tool results become separate `tool` messages).
    static func anthropicToOpenAI(_ message: JSONValue) -> [JSONValue] {
        let role = message["role"]?.stringValue ?? "user"
        guard let blocks = message["content"]?.arrayValue else {
            return [["role": .string(role), "content": message["content"] ?? .null]]
        }
        var out: [JSONValue] = []
        var texts: [String] = []
        var calls: [JSONValue] = []
        for block in blocks {
            switch block["type"]?.stringValue {
            case "text": texts.append(block["text"]?.stringValue ?? "")
            case "tool_use":
                calls.append([
                    "id": block["id"] ?? .null, "type": "function",
                    "function": [
                        "name": block["name"] ?? .null, "arguments": .string((block["input"] ?? [:]).serialized()),
                    ],
                ])
            case "tool_result":
                out.append([
                    "role": "tool", "tool_call_id": block["tool_use_id"] ?? .null,
                    "content": .string(text(of: block["content"]) ?? ""),
                ])
            default: continue
            }
        }
        if role == "assistant" {
            var message: JSONValue = [
                "role": "assistant", "content": texts.isEmpty ? .null : .string(texts.joined(separator: "\n")),
            ]
            if !calls.isEmpty { message.set("tool_calls", .array(calls)) }
            out.insert(message, at: 0)
        } else if !texts.isEmpty {
            out.append(["role": .string(role), "content": .string(texts.joined(separator: "\n"))])
        }
        return out
    }
}
