import Foundation

/// Reads a specialist's generated answer (prompt format v1–v3, without `<|end|>`) back into the
/// canonical response, putting slot values back typed by the named tool's JSON schema (v2: a call's
/// name may be a tool-name slot, and slot tokens inside the content text are replaced too; v3: an
/// argument key may be a parameter-name slot).
///
/// ```swift
/// let response = try AnswerRestorer.restore(text, slots: prompt.slots, tools: ["send": parameters])
/// response.toolCalls[0].arguments.jsonText   // {"message":"Lunch at 12?","receiver_id":"USR002"}
/// ```
public enum AnswerRestorer {
    /// The canonical response: content and tool calls with restored arguments.
    public struct Response: Sendable, Equatable {
        public var content: String?
        public var toolCalls: [ToolCall]

        public init(content: String?, toolCalls: [ToolCall]) {
            self.content = content
            self.toolCalls = toolCalls
        }

        public struct ToolCall: Sendable, Equatable {
            public var name: String
            public var arguments: OrderedJSON

            public init(name: String, arguments: OrderedJSON) {
                self.name = name
                self.arguments = arguments
            }
        }
    }

    /// Parses and restores; errors say what is wrong with the answer.
    /// - Parameter tools: each tool's `parameters` schema by name.
    public static func restore(_ text: String, slots: PromptSlotTable, tools: [String: OrderedJSON]) throws -> Response
    {
        let value = try OrderedJSON.parse(text, slots: true)
        guard case .object = value, let calls = value["tool_calls"], case .array(let items) = calls else {
            throw InferenceError.invalidInput("the answer is not a canonical response object with tool_calls")
        }
        var content: String? = nil
        switch value["content"] {
        case .string(let s)?: content = try restoreText(s, slots)
        case .slot(let k)?: content = try slot(k, slots).text
        case .null?, nil: content = nil
        default: throw InferenceError.invalidInput("the answer's content is not a string or null")
        }
        let restored = try items.map { item -> Response.ToolCall in
            guard let arguments = item["arguments"], case .object = arguments else {
                throw InferenceError.invalidInput("a tool call's arguments are not an object")
            }
            let name: String
            switch item["name"] {
            case .string(let s)?: name = s
            case .slot(let k)?:
                let slot = try slot(k, slots)
                guard slot.isToolName else {
                    throw InferenceError.invalidInput("call name <S\(k)> is a slot that holds no tool name")
                }
                name = slot.text
            default: throw InferenceError.invalidInput("a tool call has no name")
            }
            return .init(name: name, arguments: try restoreValue(try restoreKeys(arguments, slots), slots, tools[name]))
        }
        return Response(content: content, toolCalls: restored)
    }

    /// v3: top-level argument keys written as parameter-name slots (`"<S4>"`) become the slots' texts.
    static func restoreKeys(_ arguments: OrderedJSON, _ slots: PromptSlotTable) throws -> OrderedJSON {
        guard case .object(let members) = arguments else { return arguments }
        return .object(
            try members.map { member in
                guard member.key.count > 3, member.key.hasPrefix("<S"), member.key.hasSuffix(">"),
                    let k = Int(member.key.dropFirst(2).dropLast())
                else { return member }
                let slot = try slot(k, slots)
                guard slot.isKey else {
                    throw InferenceError.invalidInput("argument key <S\(k)> is a slot that holds no parameter name")
                }
                return (slot.text, member.value)
            })
    }

    /// Text with `<Sk>` tokens (v2 content naming tools) replaced by the slots' texts.
    static func restoreText(_ text: String, _ slots: PromptSlotTable) throws -> String {
        guard text.contains("<S") else { return text }
        let pattern = try! NSRegularExpression(pattern: #"<S(\d+)>"#)
        var out = ""
        var last = text.startIndex
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let whole = Range(match.range, in: text), let digits = Range(match.range(at: 1), in: text) else {
                continue
            }
            out += text[last..<whole.lowerBound]
            out += try slot(Int(text[digits]) ?? -1, slots).text
            last = whole.upperBound
        }
        return out + text[last...]
    }

    static func slot(_ k: Int, _ slots: PromptSlotTable) throws -> PromptSlotTable.Slot {
        guard k >= 0, k < slots.slots.count else {
            throw InferenceError.invalidInput("the answer uses slot <S\(k)> the prompt does not have")
        }
        return slots.slots[k]
    }

    static func restoreValue(_ value: OrderedJSON, _ slots: PromptSlotTable, _ schema: OrderedJSON?) throws
        -> OrderedJSON
    {
        switch value {
        case .slot(let k): return coerce(try slot(k, slots), schema)
        case .span(let first, let last):
            guard let units = slots.units else {
                throw InferenceError.invalidInput("the answer uses pointers <W\(first)>… in a prompt without question_spans")
            }
            guard let text = units.text(first, last) else {
                throw InferenceError.invalidInput(
                    "the answer's pointer run <W\(first)>…<W\(last)> is not within one message of the prompt's \(units.count) units")
            }
            let kind = PromptSlotTable.isNumberText(text) ? "number" : "string"
            return coerce(PromptSlotTable.Slot(text: text, kind: kind), schema)
        case .object(let members):
            return .object(
                try members.map { ($0.key, try restoreValue($0.value, slots, schema?["properties"]?[$0.key])) })
        case .array(let items): return .array(try items.map { try restoreValue($0, slots, schema?["items"]) })
        default: return value
        }
    }

    static func schemaType(_ schema: OrderedJSON?) -> String? {
        var kind: String?
        switch schema?["type"] {
        case .string(let s)?: kind = s
        case .array(let list)?:
            kind = list.compactMap { if case .string(let s) = $0, s != "null" { return s } else { return nil } }.first
        default: kind = nil
        }
        return ["float": "number", "dict": "object", "tuple": "array"][kind ?? ""] ?? kind
    }

    /// Values compared as exact match compares them (remembered_keys.py `_same`): numbers by value.
    static func sameValue(_ a: OrderedJSON, _ b: OrderedJSON) -> Bool {
        if case .number(let x) = a, case .number(let y) = b, let u = Double(x), let v = Double(y) { return u == v }
        return a == b
    }

    /// A slot's value typed by the schema of the place it is written to (PROMPT_FORMAT.md table).
    /// Numbers are written as Python's `json.dumps(number_value(text))` writes them: a question's
    /// "007" or "-0" is not JSON text as found, so it goes out as 7 or 0.
    static func coerce(_ slot: PromptSlotTable.Slot, _ schema: OrderedJSON?) -> OrderedJSON {
        let text = slot.text
        let isNumber = PromptSlotTable.isNumberText(text)
        switch schemaType(schema) {
        case "string": return .string(text)
        case "integer" where isNumber:
            if let v = Double(text), v == v.rounded(), abs(v) < 1e15 { return .number(String(Int64(v))) }
            return .number(PromptRenderer.pythonNumberText(text))
        case "number" where isNumber: return .number(PromptRenderer.pythonNumberText(text))
        case "boolean" where ["true", "false"].contains(text.lowercased()): return .bool(text.lowercased() == "true")
        case "array", "object":
            if let parsed = try? OrderedJSON.parse(text) {
                switch parsed {
                case .array, .object: return parsed
                default: break
                }
            }
            return .string(text)
        case nil where slot.kind == "number" && isNumber: return .number(PromptRenderer.pythonNumberText(text))
        default: return .string(text)
        }
    }
}
