import Foundation

/// Renders a conversation's varying part as prompt format v3 text (distill/trainer/PROMPT_FORMAT.md),
/// exactly as the trainer's `distill/trainer/prompt.py` does (pinned by its golden files). Without
/// request tools the text is v1's (and v2's), so those specialists are served by the same rules.
///
/// ```swift
/// let prompt = try PromptRenderer.renderPrompt([.init(role: "user", content: "Send 'hi' to USR002")])
/// prompt.text    // <|bos|><|user|>Send <S0> to <S1><|answer|>
/// ```
public enum PromptRenderer {
    /// The prompt format version this renders.
    public static let version = 4
    /// Versions whose specialists this renderer serves (v1 = v2 = v3 without request tools; a v2
    /// specialist with request tools is refused by `Specialist`: v3 lists parameter-name slots;
    /// v4 is v3 plus prompt feature `question_spans` and the escaping of `<Wn>`).
    public static let supportedVersions = 1...4

    /// A tool as the prompt lists it: name and `parameters` JSON Schema.
    public typealias Tool = (name: String, parameters: OrderedJSON?)

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
        /// `<|bos|>` and the v2 tool list: kept whole when a long prompt is cut.
        public var head: String = "<|bos|>"
        /// v2: the prompt lists the request's tools and answers name them by slot.
        public var nameSlots: Bool = false
    }

    static let roles = ["user": "<|user|>", "assistant": "<|assistant|>", "tool": "<|tool|>"]

    /// The prompt text (from `<|bos|>` to `<|answer|>`) and its slots.
    /// - Parameter tools: the request's own tools (v2, clusters whose requests bring their tools).
    ///   v3: the messages' values are numbered first (from `<S0>`), then the tools' names,
    ///   parameter names and enum values, although the list is written before the messages.
    /// - Parameter questionSpans: prompt feature `question_spans` (v4): the user text gets
    ///   pointers (`QuestionSpans`) instead of value slots.
    /// - Parameter tagSlots: prompt feature `tag_slots`: `#word` and `@word` of free text are slots.
    public static func renderPrompt(
        _ messages: [Message], maxSlots: Int = 64, tools: [Tool]? = nil, questionSpans: Bool = false,
        tagSlots: Bool = false
    ) throws -> Prompt {
        var table = PromptSlotTable(limit: maxSlots)
        table.tags = tagSlots
        let nameSlots = !(tools ?? []).isEmpty
        if nameSlots {
            table.units = questionSpans ? QuestionSpans() : nil
            _ = try renderMessages(messages, &table, nameSlots: false)
        }
        table.units = questionSpans ? QuestionSpans() : nil
        let head = "<|bos|>" + (nameSlots ? renderTools(tools!, &table) : "")
        let parts = [head] + (try renderMessages(messages, &table, nameSlots: nameSlots)) + ["<|answer|>"]
        return Prompt(text: parts.joined(), slots: table, head: head, nameSlots: nameSlots)
    }

    static func renderMessages(_ messages: [Message], _ table: inout PromptSlotTable, nameSlots: Bool) throws
        -> [String]
    {
        var parts: [String] = []
        for message in messages {
            guard let marker = roles[message.role] else {
                throw InferenceError.invalidInput("message role '\(message.role)' is not one of user, assistant, tool")
            }
            parts.append(marker)
            if message.role == "assistant" {
                for call in message.toolCalls { registerLeaves(call.arguments ?? .object([]), &table) }
                parts.append(
                    renderResponse(content: message.content, calls: message.toolCalls, table: table, nameSlots: nameSlots))
            } else if message.role == "tool", let content = message.content, let parsed = parseToolJSON(content) {
                registerLeaves(parsed, &table)
                parts.append(renderJSON(parsed, table: table, sortKeys: false))
            } else if message.role == "user", table.units != nil {
                parts.append(table.units!.point(escape(message.content ?? "")))
            } else {
                parts.append(SlotScanner.slotText(escape(message.content ?? ""), &table))
            }
        }
        return parts
    }

    /// `{"content":…,"tool_calls":[{"name":…,"arguments":{…}}]}`, arguments' keys sorted. With
    /// `nameSlots` (v2) a call name that has a slot, and tool names inside the content, are slots.
    public static func renderResponse(
        content: String?, calls: [(name: String, arguments: OrderedJSON?)], table: PromptSlotTable,
        nameSlots: Bool = false
    ) -> String {
        let contentText =
            content.map { nameSlots ? slotToolNames(jsonString(escape($0)), table) : jsonString(escape($0)) } ?? "null"
        let rendered = calls.map { call in
            let name = nameSlots ? table.findName(call.name).map { "<S\($0)>" } : nil
            let arguments = call.arguments ?? .object([])
            let keys = nameSlots ? table.toolKeys[escape(call.name)] : nil
            let rendered: String
            if let keys, case .object(let members) = arguments {
                rendered = renderArguments(members, keys: keys, table: table)
            } else {
                rendered = renderJSON(arguments, table: table, sortKeys: true)
            }
            return "{\"name\":" + (name ?? jsonString(escape(call.name))) + ",\"arguments\":" + rendered + "}"
        }
        return "{\"content\":" + contentText + ",\"tool_calls\":[" + rendered.joined(separator: ",") + "]}"
    }

    /// v3: a listed tool's arguments, top-level keys in the tool's schema order (then any others,
    /// sorted), a key that is a parameter-name slot written `"<Sk>"`; values as `renderJSON`.
    static func renderArguments(_ members: [(key: String, value: OrderedJSON)], keys: [String], table: PromptSlotTable)
        -> String
    {
        var order: [String: Int] = [:]
        for (position, key) in keys.enumerated() where order[key] == nil { order[key] = position }
        let sorted = members.sorted { a, b in
            let (pa, pb) = (order[a.key] ?? keys.count, order[b.key] ?? keys.count)
            if pa != pb { return pa < pb }
            return Array(a.key.unicodeScalars.map(\.value)).lexicographicallyPrecedes(b.key.unicodeScalars.map(\.value))
        }
        return "{"
            + sorted.map { member in
                let slot = order[member.key] != nil ? table.findKey(escape(member.key)) : nil
                let key = slot.map { "\"<S\($0)>\"" } ?? jsonString(escape(member.key))
                return key + ":" + renderJSON(member.value, table: table, sortKeys: true)
            }.joined(separator: ",") + "}"
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
        case .bool, .null, .slot, .span: return value.jsonText
        case .string(let s):
            if let index = table.find(value) { return "<S\(index)>" }
            if let run = table.units?.find(.string(escape(s))) { return QuestionSpans.render(run) }
            return jsonString(escape(s))
        case .number(let text):
            if let index = table.find(value) { return "<S\(index)>" }
            if let run = table.units?.find(value) { return QuestionSpans.render(run) }
            return pythonNumberText(text)
        }
    }

    /// v3 tool list: `<|tools|>` then per tool `<Sk>NAME(<Sp>PARAM:TYPE,<Sq>PARAM?:TYPE=<Sa>|<Sb>,…)`;
    /// the name gets a (tool-name) slot first, then each parameter name (a key slot) and its
    /// string enum values.
    static func renderTools(_ tools: [Tool], _ table: inout PromptSlotTable) -> String {
        var parts = ["<|tools|>"]
        for tool in tools {
            let name = escape(tool.name)
            let index = table.add(name, kind: "string", toolName: true)
            parts.append((index.map { "<S\($0)>" } ?? "") + name + "(")
            var required: Set<String> = []
            if case .array(let list)? = tool.parameters?["required"] {
                for case .string(let key) in list { required.insert(key) }
            }
            var rendered: [String] = []
            if case .object(let properties)? = tool.parameters?["properties"] {
                if table.toolKeys[name] == nil { table.toolKeys[name] = properties.map(\.key) }
                for (key, schema) in properties {
                    let keySlot = table.add(escape(key), kind: "string", key: true)
                    var text =
                        (keySlot.map { "<S\($0)>" } ?? "") + escape(key) + (required.contains(key) ? "" : "?") + ":"
                        + escape(typeText(schema))
                    if case .array(let values)? = schema["enum"], !values.isEmpty {
                        let options = values.map { value -> String in
                            switch value {
                            case .string(let s):
                                if let slot = table.add(escape(s), kind: "string") { return "<S\(slot)>" }
                                return jsonString(escape(s))
                            case .number(let t): return pythonNumberText(t)
                            default: return value.jsonText
                            }
                        }
                        text += "=" + options.joined(separator: "|")
                    }
                    rendered.append(text)
                }
            }
            parts.append(rendered.joined(separator: ",") + ")")
        }
        return parts.joined()
    }

    /// A schema's `type` as the tool list writes it: the name, names joined by `|`, or `any`.
    static func typeText(_ schema: OrderedJSON) -> String {
        switch schema["type"] {
        case .string(let s)?: return s
        case .array(let list)?:
            return list.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
                .joined(separator: "|")
        default: return "any"
        }
    }

    /// Replaces, left to right, the longest tool-name slot text at each position by its slot token.
    static func slotToolNames(_ text: String, _ table: PromptSlotTable) -> String {
        let names = table.slots.enumerated().filter { $0.element.isToolName }
            .map { (text: Array($0.element.text.unicodeScalars), index: $0.offset) }
            .sorted { $0.text.count > $1.text.count }
        guard !names.isEmpty else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var position = 0
        while position < scalars.count {
            if let hit = names.first(where: { name in
                position + name.text.count <= scalars.count
                    && scalars[position..<position + name.text.count].elementsEqual(name.text)
            }) {
                out.append(contentsOf: "<S\(hit.index)>".unicodeScalars)
                position += hit.text.count
            } else {
                out.append(scalars[position])
                position += 1
            }
        }
        return String(out)
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

    /// A tool result's JSON object or array, or nil: content not starting with `{` or `[` once
    /// trimmed, or not strict JSON as the trainer's `prompt._parse_tool_json` reads it (a key
    /// written twice, which Python would read as its last value; a number outside JSON's grammar,
    /// `01` or `+2`, which Python refuses; NaN and Infinity, which OrderedJSON refuses already).
    static func parseToolJSON(_ content: String) -> OrderedJSON? {
        let stripped = content.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let first = stripped.first, first == "{" || first == "[",
            let parsed = try? OrderedJSON.parse(stripped), isStrict(parsed)
        else { return nil }
        return parsed
    }

    /// JSON's number grammar (RFC 8259): no leading `+`, no leading zero, digits around a point.
    static let strictNumber = try! NSRegularExpression(pattern: #"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$"#)

    /// No object writes a key twice and every number follows JSON's grammar, at any depth.
    static func isStrict(_ value: OrderedJSON) -> Bool {
        switch value {
        case .object(let members):
            return Set(members.map(\.key)).count == members.count && members.allSatisfy { isStrict($0.value) }
        case .array(let items):
            return items.allSatisfy(isStrict)
        case .number(let text):
            return strictNumber.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        default:
            return true
        }
    }

    /// `<` that would start `<|word|>`, `<Sn>` or (v4) `<Wn>` becomes U+FF1C, so content cannot
    /// forge tokens.
    public static func escape(_ text: String) -> String {
        guard text.contains("<") else { return text }
        let pattern = try! NSRegularExpression(pattern: #"<(?=\|[a-z]+\|>|S\d+>|W\d+>)"#)
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
