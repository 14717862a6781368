import UnderstudyArchive

extension CanonicalResponse {
    /// The canonical response of an assembled message or non-stream body (`LLMInfo.assembled`)
    /// of `api`: the first choice or candidate, text parts joined with "\n", tool calls with
    /// parsed arguments. Empty text counts as no text, so a stream that sent `content: ""`
    /// and the same answer unstreamed (`content: null`) agree. `nil` for error bodies and
    /// anything without an answer.
    public init?(assembled: JSONValue, api: LLMEndpoint.API) {
        var texts: [String] = []
        var calls: [ToolCall] = []
        switch api {
        case .chatCompletions:
            guard let message = assembled["choices"]?[0]?["message"] else { return nil }
            texts = Self.texts(message["content"])
            for call in message["tool_calls"]?.arrayValue ?? [] {
                guard let name = call["function"]?["name"]?.stringValue else { continue }
                calls.append(
                    ToolCall(name: name, arguments: ToolCall.parseArguments(call["function"]?["arguments"] ?? "")))
            }
        case .responses:
            guard let output = assembled["output"]?.arrayValue else { return nil }
            for item in output {
                switch item["type"]?.stringValue {
                case "message":
                    for part in item["content"]?.arrayValue ?? [] where part["type"] == "output_text" {
                        if let text = part["text"]?.stringValue { texts.append(text) }
                    }
                case "function_call":
                    guard let name = item["name"]?.stringValue else { continue }
                    calls.append(ToolCall(name: name, arguments: ToolCall.parseArguments(item["arguments"] ?? "")))
                default: break
                }
            }
        case .messages:
            guard assembled["type"] != "error", let blocks = assembled["content"]?.arrayValue else { return nil }
            for block in blocks {
                switch block["type"]?.stringValue {
                case "text": if let text = block["text"]?.stringValue { texts.append(text) }
                case "tool_use":
                    guard let name = block["name"]?.stringValue else { continue }
                    calls.append(ToolCall(name: name, arguments: block["input"] ?? .object([])))
                default: break
                }
            }
        case .generateContent:
            guard let parts = assembled["candidates"]?[0]?["content"]?["parts"]?.arrayValue else { return nil }
            for part in parts where part["thought"]?.boolValue != true {
                if let text = part["text"]?.stringValue { texts.append(text) }
                if let call = part["functionCall"], let name = call["name"]?.stringValue {
                    calls.append(ToolCall(name: name, arguments: call["args"] ?? .object([])))
                }
            }
        case .embeddings:
            return nil
        }
        let text = texts.filter { !$0.isEmpty }.joined(separator: "\n")
        self.init(content: text.isEmpty ? nil : text, toolCalls: calls)
    }

    /// Text of a string or an array of content parts (`{"type":"text","text":…}`).
    static func texts(_ content: JSONValue?) -> [String] {
        switch content {
        case .string(let text)?: return [text]
        case .array(let parts)?: return parts.compactMap { $0.stringValue ?? $0["text"]?.stringValue }
        default: return []
        }
    }
}
