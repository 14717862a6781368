import UnderstudyArchive

/// Anthropic Messages events → the final `message`, as the anthropic SDK's `accumulate_event`
/// builds it: content blocks by index, `text_delta` and `thinking_delta` appended,
/// `input_json_delta` fragments concatenated and parsed into the `tool_use` block's `input`,
/// `message_delta` setting the stop reason and (cumulative) usage.
///
/// Deltas are kept apart from their block until something reads it (another kind of delta on
/// the block, or `assembled`): setting the block's whole text again for every `text_delta`
/// copied the text so far each time, and parsing the whole `input_json_delta` buffer after every
/// fragment parsed it again each time; both grew with the square of the stream. The result is
/// the same: the text is the block's own followed by the deltas', and the input is the longest
/// buffer (at a fragment's end) that parses, as "keep the last good value" gave.
struct AnthropicAssembler: Sendable {
    /// Deltas not yet written into their block: only kept while the member they go to exists
    /// (as a string, for texts), so writing them in later puts it where it was.
    private struct Pending: Sendable {
        var text: [UInt8]?
        var thinking: [UInt8]?
        /// Buffer lengths at the end of each `input_json_delta` since the block last got `input`.
        var inputEnds: [Int] = []

        var isEmpty: Bool { text == nil && thinking == nil && inputEnds.isEmpty }
    }

    private var message: JSONValue?
    private var blocks: [Int: JSONValue] = [:]
    private var json: [Int: String] = [:]
    private var pending: [Int: Pending] = [:]
    private var error: JSONValue?

    mutating func consume(_ event: JSONValue, event name: String?) {
        guard let type = event["type"]?.stringValue ?? name else { return }
        let index = event["index"]?.intValue ?? 0
        switch type {
        case "message_start":
            message = event["message"]
        case "content_block_start":
            // The block is replaced whole: what was pending for the old one goes with it.
            pending[index] = nil
            if let block = event["content_block"] { blocks[index] = block }
        case "content_block_delta":
            guard let delta = event["delta"], blocks[index] != nil else { return }
            let kind = delta["type"]?.stringValue
            if setAside(kind, delta, index: index) { return }
            settle(index)
            var block = blocks.removeValue(forKey: index)!
            switch kind {
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

    /// Keeps a text, thinking or input JSON delta aside when the block already has the member it
    /// goes to; false when it must be applied now.
    private mutating func setAside(_ kind: String?, _ delta: JSONValue, index: Int) -> Bool {
        let block = blocks[index]!
        switch kind {
        case "text_delta":
            guard pending[index]?.text != nil || block["text"]?.stringValue != nil else { return false }
            pending[index, default: Pending()].text.appendStarting((delta["text"]?.stringValue ?? "").utf8)
        case "thinking_delta":
            guard pending[index]?.thinking != nil || block["thinking"]?.stringValue != nil else { return false }
            pending[index, default: Pending()].thinking.appendStarting((delta["thinking"]?.stringValue ?? "").utf8)
        case "input_json_delta":
            guard block["input"] != nil else { return false }
            json[index, default: ""] += delta["partial_json"]?.stringValue ?? ""
            pending[index, default: Pending()].inputEnds.append(json[index]!.utf8.count)
        default:
            return false
        }
        return true
    }

    /// Writes what is pending for block `index` into it.
    private mutating func settle(_ index: Int) {
        guard let waiting = pending.removeValue(forKey: index), !waiting.isEmpty, var block = blocks[index] else { return }
        Self.write(waiting, into: &block, json: json[index] ?? "")
        blocks[index] = block
    }

    private static func write(_ waiting: Pending, into block: inout JSONValue, json: String) {
        if let text = waiting.text {
            block.set("text", .string((block["text"]?.stringValue ?? "") + String(decoding: text, as: UTF8.self)))
        }
        if let thinking = waiting.thinking {
            block.set(
                "thinking", .string((block["thinking"]?.stringValue ?? "") + String(decoding: thinking, as: UTF8.self)))
        }
        if !waiting.inputEnds.isEmpty {
            // The last buffer that parses, as parsing after every fragment and keeping the last
            // good value gave; nearly always the whole buffer, parsed once.
            let bytes = Array(json.utf8)
            let parsed = waiting.inputEnds.reversed().lazy.compactMap { end in
                parseInput(String(decoding: bytes[0..<end], as: UTF8.self))
            }.first
            block.set("input", parsed ?? block["input"] ?? .object([]))
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
        message.set(
            "content",
            .array(
                blocks.keys.sorted().map { index in
                    var block = blocks[index]!
                    if let waiting = pending[index] { Self.write(waiting, into: &block, json: json[index] ?? "") }
                    return block
                }))
        if let error { message.set("error", error["error"] ?? error) }
        return message
    }
}
