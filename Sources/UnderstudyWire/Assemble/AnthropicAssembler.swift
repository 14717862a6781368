import UnderstudyArchive

/// Anthropic Messages events → the final `message`, as the anthropic SDK's `accumulate_event`
/// builds it: content blocks by index, `text_delta` and `thinking_delta` appended,
/// `input_json_delta` fragments concatenated and parsed into the `tool_use` block's `input`,
/// `message_delta` setting the stop reason and (cumulative) usage.
struct AnthropicAssembler: Sendable {
    private var message: JSONValue?
    private var blocks: [Int: JSONValue] = [:]
    private var json: [Int: String] = [:]
    private var error: JSONValue?

    mutating func consume(_ event: JSONValue, event name: String?) {
        guard let type = event["type"]?.stringValue ?? name else { return }
        let index = event["index"]?.intValue ?? 0
        switch type {
        case "message_start":
            message = event["message"]
        case "content_block_start":
            if let block = event["content_block"] { blocks[index] = block }
        case "content_block_delta":
            guard let delta = event["delta"], var block = blocks[index] else { return }
            switch delta["type"]?.stringValue {
            case "text_delta":
                block.set("text", .string((block["text"]?.stringValue ?? "") + (delta["text"]?.stringValue ?? "")))
            case "thinking_delta":
                block.set(
                    "thinking", .string((block["thinking"]?.stringValue ?? "") + (delta["thinking"]?.stringValue ?? ""))
                )
            case "signature_delta": if let s = delta["signature"] { block.set("signature", s) }
            case "input_json_delta":
                json[index, default: ""] += delta["partial_json"]?.stringValue ?? ""
                block.set("input", Self.parseInput(json[index]!) ?? block["input"] ?? .object([]))
            case "citations_delta":
                if let citation = delta["citation"] {
                    block.set("citations", .array((block["citations"]?.arrayValue ?? []) + [citation]))
                }
            default: break
            }
            blocks[index] = block
        case "message_delta":
            guard var message else { return }
            for (key, value) in event["delta"]?.objectValue?.map({ ($0.key, $0.value) }) ?? [] {
                message.set(key, value)
            }
            // message_delta usage counts are cumulative: they overwrite, and absent ones keep
            // the message_start values.
            if let usage = event["usage"]?.objectValue {
                var merged = message["usage"] ?? .object([])
                for member in usage where !member.value.isNull { merged.set(member.key, member.value) }
                message.set("usage", merged)
            }
            self.message = message
        case "error":
            error = event
        default:
            break
        }
    }

    /// Tool input JSON; an empty buffer is `{}`. A cut stream may leave it unparseable: keep the
    /// last good value then.
    private static func parseInput(_ text: String) -> JSONValue? {
        if text.allSatisfy(\.isWhitespace) { return .object([]) }
        return try? JSONValue(parsing: text)
    }

    var assembled: JSONValue? {
        guard var message else { return error }
        message.set("content", .array(blocks.keys.sorted().map { blocks[$0]! }))
        if let error { message.set("error", error["error"] ?? error) }
        return message
    }
}
