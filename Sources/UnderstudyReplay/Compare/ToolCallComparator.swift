import UnderstudyArchive
import UnderstudyWire

/// Compares tool calls the way BFCL's AST checker does (bfcl_eval 4.x,
/// `eval_checker/ast_eval/ast_checker.py`), with the recorded calls as the only possible answer:
///
/// - `parallel_function_checker_no_order`: the number of calls must be equal ("Wrong number of
///   functions"), and each recorded call is matched, in order, against the answer calls not yet
///   matched, so parallel calls may come in any order.
/// - `simple_function_checker`: the function name must be equal; a recorded argument the answer
///   lacks is a mismatch (`missing_required`, `missing_optional`), an argument the recording
///   lacks is a mismatch (`unexpected_param`).
/// - Values: BFCL allows an int where the schema says float (`value = float(value)`); here any
///   two numbers are equal when numerically equal (1 == 1.0), since recorded arguments carry no
///   Python types. A string never equals a number or a bool (`type_checker`). Strings compare
///   after `standardize_string` (see `BFCLString`), also inside lists (`list_checker`, order
///   kept) and dicts (`dict_checker`: missing or unexpected keys are mismatches). BFCL compares
///   dicts one level deep; nested values here use the same rules recursively.
/// - An explicit `null` argument counts as absent (JSON has no other way to say "not given").
///
/// ```swift
/// let c = ToolCallComparator().compare(expected: recorded.toolCalls, actual: answer.toolCalls)
/// c.match    // false
/// c.reason   // "get_weather: argument 'unit': expected "celsius", got "kelvin""
/// ```
public struct ToolCallComparator: Sendable {
    public init() {}

    public func compare(expected: [ToolCall], actual: [ToolCall]) -> Comparison {
        guard expected.count == actual.count else {
            return .fail(
                .toolCalls,
                "wrong number of calls: expected \(expected.count) (\(names(expected))), got \(actual.count) (\(names(actual)))")
        }
        var matched = Set<Int>()
        for (position, call) in expected.enumerated() {
            var firstProblem: String?
            var found = false
            for index in actual.indices where !matched.contains(index) {
                if let problem = difference(call, actual[index]) {
                    // Prefer explaining against a call of the same name: that is the one the
                    // model meant.
                    if firstProblem == nil || actual[index].name == call.name { firstProblem = problem }
                } else {
                    matched.insert(index)
                    found = true
                    break
                }
            }
            if !found {
                let detail = firstProblem ?? "no call left to match"
                let label = expected.count > 1 ? "call \(position + 1) of \(expected.count), " : ""
                return .fail(.toolCalls, label + detail)
            }
        }
        return .pass(.toolCalls, expected.isEmpty ? "no calls, as recorded" : "same calls: \(names(expected))")
    }

    /// Why `actual` does not stand for `expected`; `nil` when it does.
    func difference(_ expected: ToolCall, _ actual: ToolCall) -> String? {
        guard expected.name == actual.name else {
            return "wrong function: expected \(expected.name), got \(actual.name)"
        }
        let want = Self.members(expected.arguments)
        let got = Self.members(actual.arguments)
        guard let want, let got else {
            if let problem = Self.difference(expected.arguments, actual.arguments, path: "arguments") {
                return "\(expected.name): \(problem)"
            }
            return nil
        }
        for (key, value) in want where got[key] == nil {
            return "\(expected.name): missing argument '\(key)' (expected \(Self.excerpt(value)))"
        }
        for key in got.keys.sorted() where want[key] == nil {
            return "\(expected.name): unexpected argument '\(key)' = \(Self.excerpt(got[key]!))"
        }
        for (key, value) in want.sorted(by: { $0.key < $1.key }) {
            if let problem = Self.difference(value, got[key]!, path: "argument '\(key)'") {
                return "\(expected.name): \(problem)"
            }
        }
        return nil
    }

    /// Object members without explicit nulls; `nil` when `value` is not an object.
    static func members(_ value: JSONValue) -> [String: JSONValue]? {
        guard case .object(let members) = value else { return nil }
        var out: [String: JSONValue] = [:]
        for member in members where !member.value.isNull && out[member.key] == nil { out[member.key] = member.value }
        return out
    }

    /// BFCL-style value equality (see the type's documentation); the first difference, or nil.
    static func difference(_ expected: JSONValue, _ actual: JSONValue, path: String) -> String? {
        switch (expected, actual) {
        case (.string(let a), .string(let b)):
            return BFCLString.standardize(a) == BFCLString.standardize(b)
                ? nil : "\(path): expected \(excerpt(expected)), got \(excerpt(actual))"
        case (.number(let a), .number(let b)):
            if a == b { return nil }
            if let x = Double(a), let y = Double(b), x == y { return nil }
            return "\(path): expected \(a), got \(b)"
        case (.bool(let a), .bool(let b)):
            return a == b ? nil : "\(path): expected \(a), got \(b)"
        case (.null, .null):
            return nil
        case (.array(let a), .array(let b)):
            guard a.count == b.count else {
                return "\(path): expected \(a.count) elements, got \(b.count)"
            }
            for i in a.indices {
                if let problem = difference(a[i], b[i], path: "\(path)[\(i)]") { return problem }
            }
            return nil
        case (.object, .object):
            let want = members(expected)!
            let got = members(actual)!
            for key in want.keys.sorted() where got[key] == nil { return "\(path): missing key '\(key)'" }
            for key in got.keys.sorted() where want[key] == nil { return "\(path): unexpected key '\(key)'" }
            for key in want.keys.sorted() {
                if let problem = difference(want[key]!, got[key]!, path: "\(path).\(key)") { return problem }
            }
            return nil
        default:
            return "\(path): expected \(kind(expected)) \(excerpt(expected)), got \(kind(actual)) \(excerpt(actual))"
        }
    }

    static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    static func excerpt(_ value: JSONValue, limit: Int = 60) -> String {
        let text = value.serialized()
        return text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    private func names(_ calls: [ToolCall]) -> String {
        calls.isEmpty ? "none" : calls.map(\.name).joined(separator: ", ")
    }
}
