/// One `--forward-resolve HOST:PORT=ADDRESS:PORT` (curl's `--connect-to` idea): CONNECTs and
/// plain-HTTP requests for `host:port` go to `address:targetPort` instead of what DNS says,
/// while TLS still names and verifies `host`.
///
/// ```swift
/// let fixed = try ForwardResolveOverride(parsing: "api.openai.com:443=127.0.0.1:8443")
/// ```
public struct ForwardResolveOverride: Sendable, Hashable, CustomStringConvertible {
    /// Lower-cased host name as clients send it.
    public var host: String
    public var port: Int
    /// A literal IPv4 or IPv6 address.
    public var address: String
    public var targetPort: Int

    public init(parsing text: String) throws {
        guard let equals = text.firstIndex(of: "=") else {
            throw RecorderError(
                "forward resolve '\(text)' is not HOST:PORT=ADDRESS:PORT (example: api.openai.com:443=127.0.0.1:8443)")
        }
        let from = String(text[..<equals])
        let to = String(text[text.index(after: equals)...])
        guard let (host, port) = ForwardPolicy.split(authority: from) else {
            throw RecorderError("forward resolve '\(text)': '\(from)' is not HOST:PORT")
        }
        guard let (address, targetPort) = ForwardPolicy.split(authority: to), IPAddressBytes.parse(address) != nil
        else {
            throw RecorderError(
                "forward resolve '\(text)': '\(to)' is not a literal ADDRESS:PORT (example: 127.0.0.1:8443)")
        }
        self.host = host
        self.port = port
        self.address = address
        self.targetPort = targetPort
    }

    public var description: String {
        let target = address.contains(":") ? "[\(address)]" : address
        return "\(host):\(port)=\(target):\(targetPort)"
    }
}
