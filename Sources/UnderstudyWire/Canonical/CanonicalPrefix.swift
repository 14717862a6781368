import Crypto
import UnderstudyArchive

/// The constant part of an agent's requests: system prompt and tool definitions. Its hash
/// (`hash`) groups requests of one agent/task even when the system prompt embeds today's date,
/// a request id or a counter: those spans are masked first (`PrefixMasker`).
public struct CanonicalPrefix: Sendable, Equatable {
    public var system: String?
    public var tools: [ToolSpec]

    public init(system: String? = nil, tools: [ToolSpec] = []) {
        self.system = system
        self.tools = tools
    }

    /// `{"system": …, "tools": [ToolSpec]}`.
    public var json: JSONValue {
        .object([
            JSONMember("system", system.map(JSONValue.string) ?? .null),
            JSONMember("tools", .array(tools.map(\.json))),
        ])
    }

    /// SHA-256 (lowercase hex) over the canonical JSON (object keys sorted, compact) of the
    /// prefix with variable spans of the system text masked. Tool order is kept: agents send
    /// their tools in a fixed order, and order can matter to the model.
    public var hash: String {
        var masked = self
        masked.system = system.map(PrefixMasker.mask)
        let digest = SHA256.hash(data: masked.json.canonicalized().serializedBytes())
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

extension JSONValue {
    /// The value with object members sorted by key (UTF-8 byte order) at every level; arrays keep
    /// their order. Two bodies that differ only in member order canonicalize to the same value.
    public func canonicalized() -> JSONValue {
        switch self {
        case .object(let members):
            return .object(
                members.map { JSONMember($0.key, $0.value.canonicalized()) }.sorted {
                    $0.key.utf8.lexicographicallyPrecedes($1.key.utf8)
                })
        case .array(let elements):
            return .array(elements.map { $0.canonicalized() })
        default:
            return self
        }
    }
}
