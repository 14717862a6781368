import UnderstudyArchive
import UnderstudyWire

/// Checks a specialist's answer against the request it answers before anyone sees it: an
/// answer must say something, call only offered tools, and give each call arguments that fit
/// the tool's JSON Schema (required properties, types, enums, no unknown properties where the
/// schema forbids them). A failed check sends the call upstream; the reason is the route's.
///
/// ```swift
/// AnswerValidator.problem(answer, tools: prefix.tools)   // nil, or "unknown_tool:book_flight"
/// ```
public enum AnswerValidator {
    /// `nil` when the answer may be served, else a short reason (`empty`, `unknown_tool:NAME`,
    /// `schema:NAME.path`).
    public static func problem(_ answer: CanonicalResponse, tools: [ToolSpec]) -> String? {
        let text = answer.content?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if text.isEmpty && answer.toolCalls.isEmpty { return "empty" }
        let byName = Dictionary(tools.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for call in answer.toolCalls {
            guard let tool = byName[call.name] else { return "unknown_tool:\(call.name)" }
            guard case .object = call.arguments else { return "schema:\(call.name).arguments" }
            if let path = violation(call.arguments, schema: tool.parameters, path: call.name) { return "schema:\(path)" }
        }
        return nil
    }

    /// The first place where `value` breaks `schema`, or nil. Keywords beyond type, enum,
    /// properties, required, additionalProperties and items are not checked (never a false alarm).
    static func violation(_ value: JSONValue, schema: JSONValue, path: String) -> String? {
        guard case .object = schema else { return nil }
        if let types = schema["type"], !matches(value, types: types) { return path }
        if let options = schema["enum"]?.arrayValue, !options.isEmpty,
            !options.contains(where: { equalValues($0, value) })
        {
            return path
        }
        if case .object(let members) = value {
            let properties = schema["properties"]
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
            where !members.contains(where: { $0.key == name }) {
                return path + "." + name
            }
            for member in members {
                if let sub = properties?[member.key] {
                    if let inner = violation(member.value, schema: sub, path: path + "." + member.key) { return inner }
                } else if schema["additionalProperties"]?.boolValue == false {
                    return path + "." + member.key
                }
            }
        }
        if case .array(let elements) = value, let items = schema["items"] {
            for (i, element) in elements.enumerated() {
                if let inner = violation(element, schema: items, path: "\(path)[\(i)]") { return inner }
            }
        }
        return nil
    }

    static func matches(_ value: JSONValue, types: JSONValue) -> Bool {
        let names = types.arrayValue?.compactMap(\.stringValue) ?? types.stringValue.map { [$0] } ?? []
        guard !names.isEmpty else { return true }
        return names.contains { matches(value, type: $0) }
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null): true
        case ("number", _), ("float", _), ("double", _): value.doubleValue != nil && !isString(value)
        case ("integer", _):
            if let number = value.doubleValue, !isString(value) { number == number.rounded() } else { false }
        case ("object", _), ("array", _), ("string", _), ("boolean", _), ("null", _): false
        // BFCL and other hand-written schemas use Python names (dict, tuple, any): accept them.
        case ("dict", .object), ("tuple", .array), ("list", .array), ("any", _): true
        case ("dict", _), ("tuple", _), ("list", _): false
        default: true
        }
    }

    static func isString(_ value: JSONValue) -> Bool {
        if case .string = value { return true }
        return false
    }

    static func equalValues(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.doubleValue, let y = b.doubleValue, !isString(a), !isString(b) { return x == y }
        return a == b
    }
}

import Foundation
