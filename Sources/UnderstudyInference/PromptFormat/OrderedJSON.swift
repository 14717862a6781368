import Foundation

/// A JSON value that keeps object member order and the text of numbers, as the prompt format
/// needs (tool results are rendered in member order; numbers as Python's `json.dumps` writes
/// them). Parsed from text, so any JSON type of the callers converts by serializing.
public indirect enum OrderedJSON: Equatable, Sendable {
    case object([(key: String, value: OrderedJSON)])
    case array([OrderedJSON])
    case string(String)
    /// The number's source text.
    case number(String)
    case bool(Bool)
    case null
    /// A value reference `<Sk>` in generated text, before it is restored.
    case slot(Int)
    /// A pointer run `<Wi>…<Wj>` in generated text (prompt feature `question_spans`), before it
    /// is restored: the first and last pointer.
    case span(Int, Int)

    public static func == (a: OrderedJSON, b: OrderedJSON) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.array(let x), .array(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.number(let x), .number(let y)): return Double(x) == Double(y)
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        case (.slot(let x), .slot(let y)): return x == y
        case (.span(let x, let y), .span(let u, let v)): return x == u && y == v
        default: return false
        }
    }

    /// Parses JSON text; with `slots`, a bare `<Sk>` where a value goes reads as `.slot(k)`.
    public static func parse(_ text: String, slots: Bool = false) throws -> OrderedJSON {
        var parser = Parser(bytes: Array(text.utf8), slots: slots)
        parser.skipSpace()
        let value = try parser.value()
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw parser.error("trailing text") }
        return value
    }

    /// Compact JSON text (slots written as `<Sk>`).
    public var jsonText: String {
        switch self {
        case .object(let members):
            return "{"
                + members.map { PromptRenderer.jsonString($0.key) + ":" + $0.value.jsonText }.joined(separator: ",")
                + "}"
        case .array(let items): return "[" + items.map(\.jsonText).joined(separator: ",") + "]"
        case .string(let s): return PromptRenderer.jsonString(s)
        case .number(let text): return text
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .slot(let k): return "<S\(k)>"
        case .span(let first, let last): return QuestionSpans.render((first, last))
        }
    }

    /// Member lookup for objects.
    public subscript(key: String) -> OrderedJSON? {
        if case .object(let members) = self { return members.first { $0.key == key }?.value }
        return nil
    }

    struct Parser {
        let bytes: [UInt8]
        let slots: Bool
        var index = 0

        func error(_ what: String) -> InferenceError { .invalidInput("invalid JSON at byte \(index): \(what)") }

        mutating func skipSpace() {
            while index < bytes.count, [9, 10, 13, 32].contains(bytes[index]) { index += 1 }
        }

        mutating func literal(_ word: String) throws {
            let w = Array(word.utf8)
            guard index + w.count <= bytes.count, Array(bytes[index..<(index + w.count)]) == w else {
                throw error("expected \(word)")
            }
            index += w.count
        }

        mutating func value() throws -> OrderedJSON {
            guard index < bytes.count else { throw error("unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var members: [(key: String, value: OrderedJSON)] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(members)
                }
                while true {
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key") }
                    let key = try string()
                    skipSpace()
                    try literal(":")
                    skipSpace()
                    members.append((key, try value()))
                    skipSpace()
                    guard index < bytes.count else { throw error("unterminated object") }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    try literal("}")
                    return .object(members)
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [OrderedJSON] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(items)
                }
                while true {
                    skipSpace()
                    items.append(try value())
                    skipSpace()
                    guard index < bytes.count else { throw error("unterminated array") }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    try literal("]")
                    return .array(items)
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"):
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            case UInt8(ascii: "<") where slots && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "W"):
                return try pointerRun()
            case UInt8(ascii: "<") where slots:
                return .slot(try reference("<S", "slot"))
            default:
                let start = index
                let allowed = Set("+-0123456789.eE".utf8)
                while index < bytes.count, allowed.contains(bytes[index]) { index += 1 }
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                guard !text.isEmpty, Double(text) != nil else { throw error("expected a value") }
                return .number(text)
            }
        }

        /// `<S` or `<W`, digits, `>`: the number of a slot or pointer token.
        mutating func reference(_ prefix: String, _ what: String) throws -> Int {
            try literal(prefix)
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            guard index > start, let k = Int(String(decoding: bytes[start..<index], as: UTF8.self)) else {
                throw error("bad \(what)")
            }
            try literal(">")
            return k
        }

        /// `<Wi><Wi+1>…<Wj>`: consecutive pointers read as `.span(i, j)`.
        mutating func pointerRun() throws -> OrderedJSON {
            let first = try reference("<W", "pointer")
            var last = first
            while index + 1 < bytes.count, bytes[index] == UInt8(ascii: "<"), bytes[index + 1] == UInt8(ascii: "W") {
                let next = try reference("<W", "pointer")
                guard next == last + 1 else { throw error("pointer <W\(next)> does not follow <W\(last)>") }
                last = next
            }
            return .span(first, last)
        }

        mutating func string() throws -> String {
            let data = Data(bytes[index...])
            // Find the closing quote (skipping escapes), then let Foundation unescape it.
            var end = index + 1
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard end < bytes.count else { throw error("unterminated string") }
            let literal = Data(bytes[index...end])
            _ = data
            guard let decoded = try? JSONSerialization.jsonObject(with: literal, options: .fragmentsAllowed) as? String
            else {
                throw error("bad string")
            }
            index = end + 1
            return decoded
        }
    }
}
