import Crypto
import UnderstudyArchive

/// The exact-duplicate key of a request: SHA-256 of its body with object keys sorted, no
/// insignificant whitespace (JSONValue serialises compactly) and the fields that vary between
/// otherwise identical calls removed (`user`, `metadata`, `stream`, `stream_options`, request
/// ids), together with the method's API and the model.
public enum RequestFingerprint {
    /// Top-level request fields that do not change what is asked.
    public static let volatileFields: Set<String> = [
        "user", "metadata", "stream", "stream_options", "request_id", "requestId", "idempotency_key",
        "safety_identifier", "prompt_cache_key", "store", "service_tier",
    ]

    public static func hash(body: JSONValue, api: String, model: String?) -> String {
        var trimmed = body
        for field in volatileFields { trimmed.remove(field) }
        var mac = SHA256()
        mac.update(data: Array("\(api)\u{0}\(model ?? "")\u{0}".utf8))
        mac.update(data: sortedKeys(trimmed).serializedBytes())
        return mac.finalize().map { TextFormat.hex($0) }.joined()
    }

    /// `value` with the members of every object sorted by key (stable for equal keys).
    public static func sortedKeys(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            return .object(
                members.map { JSONMember($0.key, sortedKeys($0.value)) }.sorted {
                    $0.key.utf8.lexicographicallyPrecedes($1.key.utf8)
                })
        case .array(let elements):
            return .array(elements.map(sortedKeys))
        default:
            return value
        }
    }
}
