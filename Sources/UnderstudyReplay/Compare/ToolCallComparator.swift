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
        let want = JSONDifference.bfcl.members(expected.arguments)
        let got = JSONDifference.bfcl.members(actual.arguments)
        guard let want, let got else {
            if let problem = JSONDifference.bfcl.first(expected.arguments, actual.arguments, path: "arguments") {
                return "\(expected.name): \(problem)"
            }
            return nil
        }
        for (key, value) in want where got[key] == nil {
            return "\(expected.name): missing argument '\(key)' (expected \(JSONDifference.excerpt(value)))"
        }
        for key in got.keys.sorted() where want[key] == nil {
            return "\(expected.name): unexpected argument '\(key)' = \(JSONDifference.excerpt(got[key]!))"
        }
        for (key, value) in want.sorted(by: { $0.key < $1.key }) {
            if let problem = JSONDifference.bfcl.first(value, got[key]!, path: "argument '\(key)'") {
                return "\(expected.name): \(problem)"
            }
        }
        return nil
    }

    private func names(_ calls: [ToolCall]) -> String {
        calls.isEmpty ? "none" : calls.map(\.name).joined(separator: ", ")
    }
}
