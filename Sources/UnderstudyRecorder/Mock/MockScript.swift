import Foundation
import UnderstudyArchive
import UnderstudyWire

/// A mock-upstream script (docs/formats.md): JSONL entries of request matcher → answer. The
/// first entry whose `match` holds answers; entries with more `match` fields are tried first.
///
/// ```swift
/// let script = try MockScript(contentsOf: URL(fileURLWithPath: "workload.jsonl"))
/// let entry = script.entry(for: MockRequestFeatures(path: "/v1/chat/completions", body: body))
/// ```
public struct MockScript: Sendable {
    public struct Match: Sendable, Equatable {
        public var path: String?
        public var model: String?
        public var firstUser: String?
        public var lastUser: String?
        public var userTurns: Int?
        public var contains: String?

        var fieldCount: Int {
            [path != nil, model != nil, firstUser != nil, lastUser != nil, userTurns != nil, contains != nil]
                .filter { $0 }.count
        }

        func holds(for request: MockRequestFeatures) -> Bool {
            if let path, path != request.path { return false }
            if let model, model != request.model { return false }
            if let firstUser, firstUser != request.userTexts.first { return false }
            if let lastUser, lastUser != request.userTexts.last { return false }
            if let userTurns, userTurns != request.userTexts.count { return false }
            if let contains, !request.bodyContains(contains) { return false }
            return true
        }
    }

    public struct Entry: Sendable, Equatable {
        /// The entry's position in the file (0-based).
        public var index: Int
        public var match: Match
        public var response: CanonicalResponse?
        public var status: Int
        /// A provider-shaped error body sent as-is for non-2xx statuses.
        public var error: JSONValue?
        public var usage: Exchange.Usage?
    }

    /// Entries in the order they are tried.
    public let entries: [Entry]

    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw RecorderError("cannot read the mock script \(url.path): \(error.localizedDescription)")
        }
        try self.init(bytes: Array(data), source: url.path)
    }

    public init(bytes: [UInt8], source: String = "script") throws {
        var entries: [Entry] = []
        var lineNumber = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.drop(while: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
            if trimmed.isEmpty || trimmed.first == UInt8(ascii: "#") { continue }
            let value: JSONValue
            do { value = try JSONValue(parsing: Array(line)) } catch {
                throw RecorderError("\(source):\(lineNumber): not a JSON object: \(error)")
            }
            entries.append(try Self.entry(value, index: entries.count, at: "\(source):\(lineNumber)"))
        }
        // Stable: more specific matchers first, file order among equals.
        self.entries = entries.enumerated().sorted { a, b in
            a.element.match.fieldCount != b.element.match.fieldCount
                ? a.element.match.fieldCount > b.element.match.fieldCount : a.offset < b.offset
        }.map(\.element)
    }

    /// The first entry whose matcher holds.
    public func entry(for request: MockRequestFeatures) -> Entry? {
        entries.first { $0.match.holds(for: request) }
    }

    static func entry(_ value: JSONValue, index: Int, at location: String) throws -> Entry {
        guard case .object = value else { throw RecorderError("\(location): an entry must be a JSON object") }
        var match = Match()
        if let m = value["match"], !m.isNull {
            guard case .object(let members) = m else { throw RecorderError("\(location): \"match\" must be an object") }
            for member in members {
                switch member.key {
                case "path": match.path = member.value.stringValue
                case "model": match.model = member.value.stringValue
                case "first_user": match.firstUser = member.value.stringValue
                case "last_user": match.lastUser = member.value.stringValue
                case "user_turns": match.userTurns = member.value.intValue
                case "contains": match.contains = member.value.stringValue
                default: throw RecorderError("\(location): unknown match field \"\(member.key)\"")
                }
            }
        }
        let status = value["status"]?.intValue ?? 200
        var response: CanonicalResponse?
        if let r = value["response"], !r.isNull {
            guard let parsed = CanonicalResponse(json: r) else {
                throw RecorderError(#"\#(location): "response" must be {"content": string|null, "tool_calls": [...]}"#)
            }
            response = parsed
        }
        guard response != nil || !(200..<300).contains(status) else {
            throw RecorderError("\(location): a 2xx entry needs a \"response\"")
        }
        var usage: Exchange.Usage?
        if let u = value["usage"], !u.isNull {
            usage = Exchange.Usage(inputTokens: u["input_tokens"]?.intValue, outputTokens: u["output_tokens"]?.intValue)
        }
        let error = value["error"].flatMap { $0.isNull ? nil : $0 }
        return Entry(index: index, match: match, response: response, status: status, error: error, usage: usage)
    }
}
