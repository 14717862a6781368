/// A `host:port` to listen on or connect to (`127.0.0.1:8080`, `[::1]:8080`, `localhost:9090`).
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; the host may be a bracketed IPv6 literal.
    public init(parsing text: String) throws {
        guard let colon = text.lastIndex(of: ":") else {
            throw RecorderError("'\(text)' is not host:port (example: 127.0.0.1:8080)")
        }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw RecorderError("'\(text)' has no valid port (0–65535)")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw RecorderError("'\(text)' has no host (example: 127.0.0.1:8080)") }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
