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
            return .fail(.json, "the answer is not valid JSON: \(JSONDifference.excerpt(.string(actual)))")
        }
        if let problem = JSONDifference.exact.first(want, got, path: "$") { return .fail(.json, problem) }
        return .pass(.json, "same JSON value")
    }
}
