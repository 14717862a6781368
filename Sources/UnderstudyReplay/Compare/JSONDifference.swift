import UnderstudyArchive

/// The first difference between two JSON values, as a path and a reason ("$.a[2]: expected 1,
/// got 2"), or nil when they are equal. One walker for both comparators: plain JSON answers use
/// `.exact`, tool-call arguments use `.bfcl` (BFCL's string standardization, explicit nulls
/// counted as absent). Numbers are equal when numerically equal in both.
struct JSONDifference: Sendable {
    var sameString: @Sendable (String, String) -> Bool
    /// Object members whose value is `null` count as absent.
    var ignoresNullMembers: Bool

    static let exact = JSONDifference(sameString: ==, ignoresNullMembers: false)
    static let bfcl = JSONDifference(
        sameString: { BFCLString.standardize($0) == BFCLString.standardize($1) }, ignoresNullMembers: true)

    func first(_ expected: JSONValue, _ actual: JSONValue, path: String) -> String? {
        switch (expected, actual) {
        case (.string(let a), .string(let b)):
            return sameString(a, b)
                ? nil : "\(path): expected \(Self.excerpt(expected)), got \(Self.excerpt(actual))"
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
                if let problem = first(a[i], b[i], path: "\(path)[\(i)]") { return problem }
            }
            return nil
        case (.object, .object):
            let want = members(expected)!
            let got = members(actual)!
            for key in want.keys.sorted() where got[key] == nil { return "\(path): missing key '\(key)'" }
            for key in got.keys.sorted() where want[key] == nil { return "\(path): unexpected key '\(key)'" }
            for key in want.keys.sorted() {
                if let problem = first(want[key]!, got[key]!, path: "\(path).\(key)") { return problem }
            }
            return nil
        default:
            return "\(path): expected \(Self.kind(expected)) \(Self.excerpt(expected)), "
                + "got \(Self.kind(actual)) \(Self.excerpt(actual))"
        }
    }

    /// Object members by key (first occurrence wins), without explicit nulls under `.bfcl`;
    /// `nil` when `value` is not an object.
    func members(_ value: JSONValue) -> [String: JSONValue]? {
        guard case .object(let members) = value else { return nil }
        var out: [String: JSONValue] = [:]
        for member in members where out[member.key] == nil && !(ignoresNullMembers && member.value.isNull) {
            out[member.key] = member.value
        }
        return out
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
}
