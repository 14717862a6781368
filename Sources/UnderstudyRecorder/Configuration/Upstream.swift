import Foundation
import UnderstudyWire

/// Where one provider's requests go: `openai=https://api.openai.com`.
public struct Upstream: Sendable, Hashable {
    /// `openai`, `azure`, `anthropic`, `gemini` or `default`.
    public var name: String
    /// `http` or `https`.
    public var scheme: String
    public var host: String
    public var port: Int
    /// A path prefix put before every request target (`https://host/proxy` → `/proxy`); no trailing slash.
    public var basePath: String

    /// Parses `NAME=URL`.
    public init(parsing text: String) throws {
        guard let equals = text.firstIndex(of: "=") else {
            throw RecorderError("upstream '\(text)' is not NAME=URL (example: openai=https://api.openai.com)")
        }
        try self.init(name: String(text[..<equals]), url: String(text[text.index(after: equals)...]))
    }

    public init(name: String, url: String) throws {
        let name = name.lowercased()
        guard Self.knownNames.contains(name) else {
            throw RecorderError(
                "upstream name '\(name)' is not one of \(Self.knownNames.sorted().joined(separator: ", "))")
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            throw RecorderError("upstream \(name): '\(url)' is not an http(s) URL (example: https://api.openai.com)")
        }
        self.name = name
        self.scheme = scheme
        self.host = host
        self.port = components.port ?? (scheme == "https" ? 443 : 80)
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        self.basePath = path
    }

    public static let knownNames: Set<String> = ["openai", "azure", "anthropic", "gemini", "default"]

    /// The base URL as configured, for records and messages (`https://api.openai.com`).
    public var baseURL: String {
        "\(scheme)://\(authority)\(basePath)"
    }

    /// Host and port as the `Host` header carries them: IPv6 in brackets, the port only when it
    /// is not the scheme's default (`api.openai.com`, `127.0.0.1:9000`).
    public var authority: String {
        let defaultPort = scheme == "https" ? 443 : 80
        let hostPart = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
        return port == defaultPort ? hostPart : "\(hostPart):\(port)"
    }

    /// The absolute URL for a request target (`/v1/chat/completions?x=1`).
    public func url(for target: String) -> String {
        url(for: target, baseURL: baseURL)
    }

    /// The same, with `baseURL` computed once by the caller (the proxy's hot path).
    func url(for target: String, baseURL: String) -> String {
        baseURL + (target.hasPrefix("/") ? target : "/" + target)
    }
}

/// The configured upstreams and the routing rule: a recognised LLM call goes to its provider's
/// upstream (Azure falls back to `openai`), anything else to `default`.
public struct UpstreamTable: Sendable {
    public private(set) var byName: [String: Upstream]

    public init(_ upstreams: [Upstream] = []) {
        byName = [:]
        for upstream in upstreams { byName[upstream.name] = upstream }
    }

    public var isEmpty: Bool { byName.isEmpty }

    public mutating func set(_ upstream: Upstream) { byName[upstream.name] = upstream }

    /// The upstream for a request, or `nil` when none is configured for it.
    public func route(_ endpoint: LLMEndpoint?) -> Upstream? {
        guard let endpoint else { return byName["default"] }
        switch endpoint.provider {
        case .openai: return byName["openai"] ?? byName["default"]
        case .azure: return byName["azure"] ?? byName["openai"] ?? byName["default"]
        case .anthropic: return byName["anthropic"] ?? byName["default"]
        case .gemini: return byName["gemini"] ?? byName["default"]
        }
    }
}
