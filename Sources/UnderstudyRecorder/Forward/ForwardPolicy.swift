/// What the forward proxy does with a CONNECT (or absolute-URI) request, decided before any
/// byte goes upstream: intercept and record an allowlisted host, tunnel or refuse the rest, and
/// never reach loopback, private, link-local or unspecified addresses unless allowed.
///
/// I/O-free: the caller passes the addresses it resolved for the host, so the decision is made
/// on where the connection would really go (a public name pointing at 10.0.0.5 is refused too).
///
/// ```swift
/// let policy = ForwardPolicy(extraAllowedHosts: ["llm.internal.example"], otherHosts: .refuse)
/// switch policy.decide(authority: "api.openai.com:443", resolved: addresses) { ... }
/// ```
public struct ForwardPolicy: Sendable, Equatable {
    /// The hosts intercepted (TLS-terminated and recorded) without configuration.
    public static let defaultAllowedHosts = ["api.openai.com", "api.anthropic.com", "generativelanguage.googleapis.com"]

    /// What happens to a CONNECT for a host that is not allowlisted.
    public enum OtherHosts: String, Sendable, Equatable, CaseIterable {
        /// Relayed blind, not recorded.
        case tunnel
        /// Answered 403.
        case refuse
    }

    /// The outcome for one request.
    public enum Decision: Sendable, Equatable {
        /// TLS-terminate with a minted leaf for `host` and record the HTTP inside.
        case intercept(host: String, port: Int)
        /// Relay bytes unchanged; record nothing.
        case tunnel(host: String, port: Int)
        /// Answer with `status` and close; `reason` is for the log and the response body.
        case refuse(status: Int, reason: String)
    }

    /// Lower-cased allowlisted host names (defaults plus configured ones).
    public let allowedHosts: Set<String>
    public let otherHosts: OtherHosts
    /// Whether loopback and private destinations may be reached (`--forward-allow-private`).
    public let allowPrivate: Bool

    public init(extraAllowedHosts: [String] = [], otherHosts: OtherHosts = .tunnel, allowPrivate: Bool = false) {
        self.allowedHosts = Set((Self.defaultAllowedHosts + extraAllowedHosts).map { $0.lowercased() })
        self.otherHosts = otherHosts
        self.allowPrivate = allowPrivate
    }

    /// Decides for a CONNECT authority (`host:port`, `[v6]:port`) whose host resolved to `resolved`
    /// (network-order bytes, 4 or 16 each; empty when not resolved yet, e.g. a literal address
    /// is checked from the authority itself).
    public func decide(authority: String, resolved: [[UInt8]] = []) -> Decision {
        guard let (host, port) = Self.split(authority: authority) else {
            return .refuse(status: 400, reason: "CONNECT target '\(authority)' is not host:port")
        }
        var addresses = resolved
        if let literal = IPAddressBytes.parse(host) { addresses.append(literal) }
        if !allowPrivate {
            if host == "localhost" || host.hasSuffix(".localhost") {
                return .refuse(status: 403, reason: "CONNECT to \(host) (loopback) is not allowed without --forward-allow-private")
            }
            if addresses.contains(where: Self.isPrivate) {
                return .refuse(status: 403,
                               reason: "CONNECT to \(host) (a loopback or private address) is not allowed without --forward-allow-private")
            }
        }
        if allowedHosts.contains(host) { return .intercept(host: host, port: port) }
        switch otherHosts {
        case .tunnel: return .tunnel(host: host, port: port)
        case .refuse: return .refuse(status: 403, reason: "CONNECT to \(host) is refused: it is not on the forward allowlist")
        }
    }

    /// Splits `host:port` (`[v6]:port` for IPv6); the host comes back lower-cased, without brackets.
    static func split(authority: String) -> (String, Int)? {
        let text = authority.lowercased()
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains(where: { $0 == "/" || $0 == "@" || $0 == " " }),
              let port = Int(portText), (1...65535).contains(port)
        else { return nil }
        return (String(host), port)
    }

    /// Loopback, RFC 1918, CGNAT, link-local, unspecified, IPv6 ULA and IPv4-mapped forms of them.
    static func isPrivate(_ address: [UInt8]) -> Bool {
        if address.count == 4 {
            let (a, b) = (address[0], address[1])
            return a == 127 || a == 10 || a == 0 || (a == 172 && (16...31).contains(b)) || (a == 192 && b == 168)
                || (a == 169 && b == 254) || (a == 100 && (64...127).contains(b))
        }
        guard address.count == 16 else { return true }
        if address[0..<15].allSatisfy({ $0 == 0 }) { return true }  // :: and ::1
        if address[0..<10].allSatisfy({ $0 == 0 }), address[10] == 0xFF, address[11] == 0xFF {
            return isPrivate(Array(address[12..<16]))  // ::ffff:a.b.c.d
        }
        return address[0] & 0xFE == 0xFC || (address[0] == 0xFE && address[1] & 0xC0 == 0x80)  // fc00::/7, fe80::/10
    }
}
