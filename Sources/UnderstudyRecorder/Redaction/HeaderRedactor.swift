import Crypto
import Foundation
import NIOConcurrencyHelpers
import UnderstudyArchive

/// Replaces credentials with `redacted:<keyed fingerprint>` before anything reaches the disk.
///
/// The fingerprint is HMAC-SHA256 of the secret under a per-installation key, truncated to 16
/// hex digits: two different API keys stay distinguishable in the archive (so distill can tell
/// agents apart), while nobody without the installation key can test a guess against it.
///
/// ```swift
/// let redactor = HeaderRedactor(key: RedactionKey(bytes: Array(repeating: 7, count: 32)))
/// redactor.redact([HTTPHeaderField("Authorization", "Bearer sk-live")])
/// // [("Authorization", "redacted:3f1c…")]
/// ```
public struct HeaderRedactor: Sendable {
    /// Header names (lowercase) always redacted, on requests and responses.
    public static let defaultHeaders: Set<String> = [
        "authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie",
        "x-goog-api-key",
    ]
    /// Query parameters (exact names) that carry credentials in request targets (Gemini's `key`).
    public static let defaultQueryParameters: Set<String> = ["key", "api_key", "api-key"]

    public let key: RedactionKey
    /// Lowercased names of every header this redactor replaces.
    public let headers: Set<String>
    public let queryParameters: Set<String>
    private let secretNames: SecretHeaderNames
    /// Fingerprints of recently seen secrets: an agent sends the same key with every request, and
    /// the HMAC (key schedule included) was ~3% of the proxy's CPU under load. Bounded.
    private let recent = NIOLockedValueBox<[String: String]>([:])

    /// - Parameters:
    ///   - key: the installation's fingerprint key.
    ///   - additionalHeaders: more header names to redact (any case), from `[redaction] headers`.
    public init(key: RedactionKey, additionalHeaders: [String] = []) {
        self.key = key
        self.headers = Self.defaultHeaders.union(additionalHeaders.map { $0.lowercased() })
        self.queryParameters = Self.defaultQueryParameters
        self.secretNames = SecretHeaderNames(headers)
    }

    /// Whether a header of this name is a credential.
    public func isSecret(headerNamed name: String) -> Bool {
        // Every field of every record asks: by length, then as bytes (`SecretHeaderNames`).
        secretNames.contains(name)
    }

    /// `redacted:` and the keyed fingerprint of `secret`.
    public func fingerprint(_ secret: String) -> String {
        if let known = recent.withLockedValue({ $0[secret] }) { return known }
        let hex = computeFingerprint(secret)
        recent.withLockedValue { recent in
            if recent.count >= 256 { recent.removeAll(keepingCapacity: true) }
            recent[secret] = hex
        }
        return hex
    }

    private func computeFingerprint(_ secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(secret.utf8), using: key.symmetricKey)
        var hex = "redacted:"
        hex.reserveCapacity(25)
        for byte in mac.prefix(8) {
            hex.append(Self.hexDigit(byte >> 4))
            hex.append(Self.hexDigit(byte & 0xF))
        }
        return hex
    }

    /// The fields with every credential's value replaced by its fingerprint; order and names kept.
    public func redact(_ fields: [HTTPHeaderField]) -> [HTTPHeaderField] {
        // Fields without a credential (most responses) are returned as they are, not rebuilt.
        guard let first = fields.firstIndex(where: { isSecret(headerNamed: $0.name) }) else { return fields }
        var out = fields
        for i in first..<out.count where isSecret(headerNamed: out[i].name) {
            out[i] = HTTPHeaderField(out[i].name, fingerprint(out[i].value))
        }
        return out
    }

    /// The request target with credential query parameters (`?key=…`) replaced by fingerprints.
    public func redactTarget(_ target: String) -> String {
        // Most targets have no query: a byte scan answers that without Character breaking.
        guard target.utf8.contains(UInt8(ascii: "?")), let mark = target.firstIndex(of: "?") else { return target }
        let query = target[target.index(after: mark)...]
        var changed = false
        let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "="), queryParameters.contains(String(pair[..<equals])) else {
                return String(pair)
            }
            changed = true
            return pair[..<equals] + "=" + fingerprint(String(pair[pair.index(after: equals)...]))
        }
        guard changed else { return target }
        return target[...mark] + pairs.joined(separator: "&")
    }

    private static func hexDigit(_ nibble: UInt8) -> Character {
        Character(Unicode.Scalar(nibble < 10 ? 0x30 + nibble : 0x57 + nibble))
    }
}
