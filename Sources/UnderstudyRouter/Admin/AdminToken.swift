/// The bearer token that guards `serve`'s admin API. Compared in constant time (every byte is
/// looked at whatever the first difference), so response timing does not reveal a prefix.
public struct AdminToken: Sendable {
    private let bytes: [UInt8]

    /// nil for an empty token: an admin API without a token would be open to anyone on the host.
    public init?(_ token: String) {
        guard !token.isEmpty else { return nil }
        bytes = Array(token.utf8)
    }

    /// Whether an `Authorization` header value is `Bearer <this token>`.
    public func authorizes(_ header: String?) -> Bool {
        guard let header else { return false }
        let scheme = "bearer "
        guard header.count > scheme.count, header.lowercased().hasPrefix(scheme) else { return false }
        let given = Array(header.utf8.dropFirst(scheme.utf8.count))
        return Self.constantTimeEqual(given, bytes)
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
