import Foundation
import UnderstudyArchive

/// Compares answers whose text is a JSON document (structured-output agents, extractors):
/// semantically equal when they parse to the same value, whatever the member order and
/// whitespace, with numbers compared by value (`1.0` equals `1`). Strings compare exactly:
/// unlike a tool argument, a JSON answer is often consumed verbatim.
///
/// ```swift
/// JSONComparator().compare(expected: #"{"a":1,"b":[true]}"#, actual: #"{ "b":[true], "a":1.0 }"#).match  // true
/// ```
public struct JSONComparator: Sendable {
    public init() {}

    /// A JSON document in `text`, when it is an object or array (scalars are left to the other
    /// comparators: "42" is better judged as text).
    public static func document(_ text: String?) -> JSONValue? {
        guard let text else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let first = trimmed.first, first == "{" || first == "[" else { return nil }
        return try? JSONValue(parsing: trimmed)
    }

    public func compare(expected: String?, actual: String?) -> Comparison {
        guard let want = Self.document(expected) else {
            return .fail(.json, "the recorded answer is not a JSON document")
        }
        guard let actual, !actual.isEmpty else { return .fail(.json, "no content in the answer") }
        guard let got = Self.document(actual) else {
            return .fail(.json, "the answer is not valid JSON: \(ToolCallComparator.excerpt(.string(actual)))")
        }
        if let problem = Self.difference(want, got, path: "$") { return .fail(.json, problem) }
        return .pass(.json, "same JSON value")
    }

    static func difference(_ expected: JSONValue, _ actual: JSONValue, path: String) -> String? {
        switch (expected, actual) {
        case (.string(let a), .string(let b)):
            return a == b ? nil : "\(path): expected \(ToolCallComparator.excerpt(expected)), got \(ToolCallComparator.excerpt(actual))"
        case (.number(let a), .number(let b)):
            if a == b { return nil }
            if let x = Double(a), let y = Double(b), x == y { return nil }
            return "\(path): expected \(a), got \(b)"
        case (.bool(let a), .bool(let b)):
            return a == b ? nil : "\(path): expected \(a), got \(b)"
        case (.null, .null):
            return nil
        case (.array(let a), .array(let b)):
            guard a.count == b.count else { return "\(path): expected \(a.count) elements, got \(b.count)" }
            for i in a.indices {
                if let problem = difference(a[i], b[i], path: "\(path)[\(i)]") { return problem }
            }
            return nil
        case (.object(let a), .object(let b)):
            var got: [String: JSONValue] = [:]
            for member in b where got[member.key] == nil { got[member.key] = member.value }
            let wantKeys = Set(a.map(\.key))
            for member in a {
                guard let value = got[member.key] else { return "\(path): missing key '\(member.key)'" }
                if let problem = difference(member.value, value, path: "\(path).\(member.key)") { return problem }
            }
            if let extra = b.first(where: { !wantKeys.contains($0.key) }) {
                return "\(path): unexpected key '\(extra.key)'"
            }
            return nil
        default:
            return "\(path): expected \(ToolCallComparator.kind(expected)), got \(ToolCallComparator.kind(actual))"
        }
    }
}
