import Foundation

/// Renders a conversation's varying part as prompt format v1 text (distill/trainer/PROMPT_FORMAT.md),
/// exactly as the trainer's `distill/trainer/prompt.py` does (pinned by its golden files).
///
/// ```swift
/// let prompt = try PromptRenderer.renderPrompt([.init(role: "user", content: "Send 'hi' to USR002")])
/// prompt.text    // <|bos|><|user|>Send <S0> to <S1><|answer|>
/// ```
public enum PromptRenderer {
    /// The prompt format version this renders.
    public static let version = 1

    /// One message of the varying part.
    public struct Message: Sendable {
        public var role: String
        public var content: String?
        /// Assistant tool calls: name and arguments (an object, or nil for `{}`).
        public var toolCalls: [(name: String, arguments: OrderedJSON?)]

        public init(role: String, content: String?, toolCalls: [(name: String, arguments: OrderedJSON?)] = []) {
            self.role = role
            self.content = content
            self.toolCalls = toolCalls
        }
    }

    /// A rendered prompt and its slot table.
    public struct Prompt: Sendable {
        public var text: String
        public var slots: PromptSlotTable
    }

    static let roles = ["user": "<|user|>", "assistant": "<|assistant|>", "tool": "<|tool|>"]

    /// The prompt text (from `<|bos|>` to `<|answer|>`) and its slots.
    public static func renderPrompt(_ messages: [Message], maxSlots: Int = 64) throws -> Prompt {
        var table = PromptSlotTable(limit: maxSlots)
        var parts = ["<|bos|>"]
        for message in messages {
            guard let marker = roles[message.role] else {
                throw InferenceError.invalidInput("message role '\(message.role)' is not one of user, assistant, tool")
            }
            parts.append(marker)
            if message.role == "assistant" {
                for call in message.toolCalls { registerLeaves(call.arguments ?? .object([]), &table) }
                parts.append(renderResponse(content: message.content, calls: message.toolCalls, table: table))
            } else if message.role == "tool", let content = message.content, let parsed = parseToolJSON(content) {
                registerLeaves(parsed, &table)
                parts.append(renderJSON(parsed, table: table, sortKeys: false))
            } else {
                parts.append(SlotScanner.slotText(escape(message.content ?? ""), &table))
            }
        }
        parts.append("<|answer|>")
        return Prompt(text: parts.joined(), slots: table)
    }

    /// `{"content":…,"tool_calls":[{"name":…,"arguments":{…}}]}`, arguments' keys sorted.
    public static func renderResponse(
        content: String?, calls: [(name: String, arguments: OrderedJSON?)], table: PromptSlotTable
    ) -> String {
        let contentText = content.map { jsonString(escape($0)) } ?? "null"
        let rendered = calls.map { call in
            "{\"name\":" + jsonString(escape(call.name)) + ",\"arguments\":"
                + renderJSON(call.arguments ?? .object([]), table: table, sortKeys: true) + "}"
        }
        return "{\"content\":" + contentText + ",\"tool_calls\":[" + rendered.joined(separator: ",") + "]}"
    }

    static func renderJSON(_ value: OrderedJSON, table: PromptSlotTable, sortKeys: Bool) -> String {
        switch value {
        case .object(let members):
            let ordered =
                sortKeys
                ? members.sorted {
                    Array($0.key.unicodeScalars.map(\.value)).lexicographicallyPrecedes(
                        $1.key.unicodeScalars.map(\.value))
                } : members
            return "{"
                + ordered.map { jsonString($0.key) + ":" + renderJSON($0.value, table: table, sortKeys: sortKeys) }
                .joined(separator: ",") + "}"
        case .array(let items):
            return "[" + items.map { renderJSON($0, table: table, sortKeys: sortKeys) }.joined(separator: ",") + "]"
        case .bool, .null, .slot: return value.jsonText
        case .string(let s):
            if let index = table.find(value) { return "<S\(index)>" }
            return jsonString(escape(s))
        case .number(let text):
            if let index = table.find(value) { return "<S\(index)>" }
            return pythonNumberText(text)
        }
    }

    static func registerLeaves(_ value: OrderedJSON, _ table: inout PromptSlotTable) {
        switch value {
        case .object(let members): for member in members { registerLeaves(member.value, &table) }
        case .array(let items): for item in items { registerLeaves(item, &table) }
        case .string(let s): _ = table.add(s, kind: "string")
        case .number(let text): _ = table.add(pythonNumberText(text), kind: "number")
        default: break
        }
    }

    static func parseToolJSON(_ content: String) -> OrderedJSON? {
        let stripped = content.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let first = stripped.first, first == "{" || first == "[" else { return nil }
        return try? OrderedJSON.parse(stripped)
    }

    /// `<` that would start `<|word|>` or `<Sn>` becomes U+FF1C, so content cannot forge tokens.
    public static func escape(_ text: String) -> String {
        guard text.contains("<") else { return text }
        let pattern = try! NSRegularExpression(pattern: #"<(?=\|[a-z]+\|>|S\d+>)"#)
        return pattern.stringByReplacingMatches(
            in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "\u{FF1C}")
    }

    /// Python's `json.dumps(s, ensure_ascii=False)`.
    public static func jsonString(_ s: String) -> String {
        "\"" + String(decoding: JSONSchemaGraph.escapedInner(s), as: UTF8.self) + "\""
    }

    /// A JSON number as Python's `json.dumps(json.loads(text))` writes it: integers in decimal,
    /// floats as the shortest round-trip repr (`1.50` → `1.5`, `10.0`, `1e-05`, `1e+20`).
    public static func pythonNumberText(_ text: String) -> String {
        if !text.contains(where: { ".eE".contains($0) }) {
            var digits = Substring(text)
            let negative = digits.hasPrefix("-")
            if negative { digits = digits.dropFirst() }
            let trimmed = digits.drop { $0 == "0" }
            let body = trimmed.isEmpty ? "0" : String(trimmed)
            return negative && body != "0" ? "-" + body : body
        }
        guard let value = Double(text) else { return text }
        var repr = "\(value)"
        if let e = repr.firstIndex(of: "e") {
            // Swift "1e-05"/"1e+20" already match Python; "1.5e-07" too.
            let exponent = repr[repr.index(after: e)...]
            if !exponent.hasPrefix("-") && !exponent.hasPrefix("+") { repr.insert("+", at: repr.index(after: e)) }
        }
        return repr
    }
}
