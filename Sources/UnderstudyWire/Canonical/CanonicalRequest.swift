import UnderstudyArchive

/// Reads a request body of any supported API into the canonical prefix (system + tools) and
/// the varying conversation (docs/formats.md). Unknown parts (images, audio, server-side
/// tools' internals) are skipped; nothing here throws.
public enum CanonicalRequest {
    /// The prefix and messages of `body`, a request to `api`.
    public static func read(_ body: JSONValue, api: LLMEndpoint.API) -> (
        prefix: CanonicalPrefix, messages: [CanonicalMessage]
    ) {
        switch api {
        case .chatCompletions: return chat(body)
        case .responses: return responses(body)
        case .messages: return anthropic(body)
        case .generateContent: return gemini(body)
        case .embeddings:
            let inputs = body["input"]?.arrayValue ?? (body["input"].map { [$0] } ?? [])
            return (
                CanonicalPrefix(), inputs.compactMap(\.stringValue).map { CanonicalMessage(role: .user, content: $0) }
            )
        }
    }

    /// Joins text parts with "\n"; nil when there is no text at all.
    static func text(_ content: JSONValue?) -> String? {
        let parts = CanonicalResponse.texts(content)
        return parts.isEmpty ? nil : parts.joined(separator: "\n")
    }

    private static func joinSystem(_ parts: [String]) -> String? { parts.isEmpty ? nil : parts.joined(separator: "\n") }

    // MARK: OpenAI Chat Completions

    private static func chat(_ body: JSONValue) -> (CanonicalPrefix, [CanonicalMessage]) {
        var system: [String] = []
        var messages: [CanonicalMessage] = []
        for message in body["messages"]?.arrayValue ?? [] {
            switch message["role"]?.stringValue {
            case "system", "developer":
                if let text = text(message["content"]) { system.append(text) }
            case "user":
                messages.append(CanonicalMessage(role: .user, content: text(message["content"])))
            case "assistant":
                var calls = (message["tool_calls"]?.arrayValue ?? []).compactMap { call -> ToolCall? in
                    guard let name = call["function"]?["name"]?.stringValue else { return nil }
                    return ToolCall(
                        name: name, arguments: ToolCall.parseArguments(call["function"]?["arguments"] ?? ""))
                }
                if let legacy = message["function_call"], let name = legacy["name"]?.stringValue {
                    calls.append(ToolCall(name: name, arguments: ToolCall.parseArguments(legacy["arguments"] ?? "")))
                }
                messages.append(CanonicalMessage(role: .assistant, content: text(message["content"]), toolCalls: calls))
            case "tool", "function":
                messages.append(
                    CanonicalMessage(
                        role: .tool, content: text(message["content"]),
                        toolCallID: message["tool_call_id"]?.stringValue ?? message["name"]?.stringValue))
            default:
                break
            }
        }
        var tools = (body["tools"]?.arrayValue ?? []).compactMap { tool in
            tool["function"].flatMap(ToolSpec.init(json:)) ?? ToolSpec(json: tool)
        }
        tools += (body["functions"]?.arrayValue ?? []).compactMap(ToolSpec.init(json:))
        return (CanonicalPrefix(system: joinSystem(system), tools: tools), messages)
    }

    // MARK: OpenAI Responses

    private static func responses(_ body: JSONValue) -> (CanonicalPrefix, [CanonicalMessage]) {
        var system: [String] = body["instructions"]?.stringValue.map { [$0] } ?? []
        var messages: [CanonicalMessage] = []
        if let input = body["input"]?.stringValue {
            messages.append(CanonicalMessage(role: .user, content: input))
        }
        for item in body["input"]?.arrayValue ?? [] {
            let type = item["type"]?.stringValue ?? "message"
            switch type {
            case "message":
                switch item["role"]?.stringValue {
                case "system", "developer": if let text = text(item["content"]) { system.append(text) }
                case "user": messages.append(CanonicalMessage(role: .user, content: text(item["content"])))
                case "assistant": messages.append(CanonicalMessage(role: .assistant, content: text(item["content"])))
                default: break
                }
            case "function_call":
                guard let name = item["name"]?.stringValue else { continue }
                let call = ToolCall(name: name, arguments: ToolCall.parseArguments(item["arguments"] ?? ""))
                // Consecutive calls (and a message just before them) form one assistant turn.
                if var last = messages.last, last.role == .assistant {
                    last.toolCalls.append(call)
                    messages[messages.count - 1] = last
                } else {
                    messages.append(CanonicalMessage(role: .assistant, content: nil, toolCalls: [call]))
                }
            case "function_call_output":
                let output = item["output"]?.stringValue ?? text(item["output"])
                messages.append(
                    CanonicalMessage(role: .tool, content: output, toolCallID: item["call_id"]?.stringValue))
            default:
                break
            }
        }
        let tools = (body["tools"]?.arrayValue ?? []).compactMap { tool -> ToolSpec? in
            if tool["type"] == "function" || tool["type"] == nil { return ToolSpec(json: tool) }
            // Built-in tools (web_search, file_search …) are part of the prefix by their config.
            return tool["type"]?.stringValue.map { ToolSpec(name: $0, parameters: tool) }
        }
        return (CanonicalPrefix(system: joinSystem(system), tools: tools), messages)
    }

    // MARK: Anthropic Messages

    private static func anthropic(_ body: JSONValue) -> (CanonicalPrefix, [CanonicalMessage]) {
        let system = text(body["system"])
        var messages: [CanonicalMessage] = []
        for message in body["messages"]?.arrayValue ?? [] {
            let role = message["role"]?.stringValue
            guard let blocks = message["content"]?.arrayValue else {
                let content = message["content"]?.stringValue
                messages.append(CanonicalMessage(role: role == "assistant" ? .assistant : .user, content: content))
                continue
            }
            var texts: [String] = []
            var calls: [ToolCall] = []
            for block in blocks {
                switch block["type"]?.stringValue {
                case "text": if let text = block["text"]?.stringValue { texts.append(text) }
                case "tool_use":
                    if let name = block["name"]?.stringValue {
                        calls.append(ToolCall(name: name, arguments: block["input"] ?? .object([])))
                    }
                case "tool_result":
                    // Each tool_result becomes its own tool message, before the user's text.
                    messages.append(
                        CanonicalMessage(
                            role: .tool, content: text(block["content"]), toolCallID: block["tool_use_id"]?.stringValue)
                    )
                default: break
                }
            }
            let content = texts.isEmpty ? nil : texts.joined(separator: "\n")
            if role == "assistant" {
                messages.append(CanonicalMessage(role: .assistant, content: content, toolCalls: calls))
            } else if content != nil || !blocks.contains(where: { $0["type"] == "tool_result" }) {
                messages.append(CanonicalMessage(role: .user, content: content))
            }
        }
        let tools = (body["tools"]?.arrayValue ?? []).compactMap { tool -> ToolSpec? in
            guard let name = tool["name"]?.stringValue else { return nil }
            return ToolSpec(
                name: name, description: tool["description"]?.stringValue,
                parameters: tool["input_schema"] ?? .object([]))
        }
        return (CanonicalPrefix(system: system, tools: tools), messages)
    }

    // MARK: Gemini

    private static func gemini(_ body: JSONValue) -> (CanonicalPrefix, [CanonicalMessage]) {
        let instruction = body["systemInstruction"] ?? body["system_instruction"]
        let system = text(instruction?["parts"]) ?? text(instruction)
        var messages: [CanonicalMessage] = []
        for content in body["contents"]?.arrayValue ?? [] {
            let isModel = content["role"] == "model"
            var texts: [String] = []
            var calls: [ToolCall] = []
            for part in content["parts"]?.arrayValue ?? [] {
                if let text = part["text"]?.stringValue, part["thought"]?.boolValue != true { texts.append(text) }
                if let call = part["functionCall"], let name = call["name"]?.stringValue {
                    calls.append(ToolCall(name: name, arguments: call["args"] ?? .object([])))
                }
                if let result = part["functionResponse"] {
                    let response = result["response"]
                    messages.append(
                        CanonicalMessage(
                            role: .tool, content: response.map { $0.stringValue ?? $0.serialized() },
                            toolCallID: result["id"]?.stringValue ?? result["name"]?.stringValue))
                }
            }
            let text = texts.isEmpty ? nil : texts.joined(separator: "\n")
            if isModel {
                messages.append(CanonicalMessage(role: .assistant, content: text, toolCalls: calls))
            } else if text != nil {
                messages.append(CanonicalMessage(role: .user, content: text))
            }
        }
        let declarations = (body["tools"]?.arrayValue ?? []).flatMap {
            ($0["functionDeclarations"] ?? $0["function_declarations"])?.arrayValue ?? []
        }
        let tools = declarations.compactMap { declaration -> ToolSpec? in
            guard let name = declaration["name"]?.stringValue else { return nil }
            return ToolSpec(
                name: name, description: declaration["description"]?.stringValue,
                parameters: declaration["parameters"] ?? declaration["parametersJsonSchema"] ?? .object([]))
        }
        return (CanonicalPrefix(system: system, tools: tools), messages)
    }
}
