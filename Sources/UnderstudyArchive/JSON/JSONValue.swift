/// A JSON document that keeps what generic decoders throw away: the order of object members
/// and the exact text of numbers. Understudy compares, hashes and rewrites recorded API bodies,
/// and re-serialising one of them must not change `1.0` into `1` or reorder a tool schema.
///
/// ```swift
/// let value = try JSONValue(parsing: #"{"model":"gpt-4o","n":1.0}"#)
/// value["model"]?.stringValue   // "gpt-4o"
/// value.serialized()            // {"model":"gpt-4o","n":1.0}
/// ```
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number's literal text as it appeared (or as written by `JSONValue.number(_:)`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// A number from a Swift integer.
    public static func int(_ value: Int) -> JSONValue { .number(String(value)) }

    /// A number from a Swift double, written in the shortest form that round-trips.
    public static func double(_ value: Double) -> JSONValue {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return .number(String(Int(value))) }
        return .number(value.isFinite ? "\(value)" : "null")
    }

    /// Member lookup on objects (first match); `nil` for other kinds or a missing key.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    /// Element lookup on arrays; `nil` out of range or for other kinds.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var objectValue: [JSONMember]? { if case .object(let o) = self { return o } else { return nil } }
    public var isNull: Bool { if case .null = self { return true } else { return false } }
    public var doubleValue: Double? { if case .number(let n) = self { return Double(n) } else { return nil } }
    public var intValue: Int? {
        guard case .number(let n) = self else { return nil }
        return Int(n) ?? Double(n).flatMap { $0 == $0.rounded() && abs($0) < 9e15 ? Int($0) : nil }
    }

    /// Sets or appends a member of an object; does nothing on other kinds.
    public mutating func set(_ key: String, _ value: JSONValue) {
        guard case .object(var members) = self else { return }
        if let i = members.firstIndex(where: { $0.key == key }) {
            members[i].value = value
        } else {
            members.append(JSONMember(key, value))
        }
        self = .object(members)
    }

    /// Removes a member of an object; does nothing on other kinds.
    public mutating func remove(_ key: String) {
        guard case .object(var members) = self else { return }
        members.removeAll { $0.key == key }
        self = .object(members)
    }
}

/// One `"key": value` pair of a JSON object.
public struct JSONMember: Sendable, Hashable {
    public var key: String
    public var value: JSONValue
    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Dictionary literals keep the order they are written in.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { JSONMember($0.0, $0.1) })
    }
}
