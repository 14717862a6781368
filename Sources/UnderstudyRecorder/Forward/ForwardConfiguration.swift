import NIOSSL

/// Settings of the forward proxy (`understudy record --forward`): which CONNECT targets are
/// intercepted, tunnelled or refused, the CA that signs the minted leaves, and how upstreams
/// are reached and verified.
///
/// ```swift
/// let forward = ForwardConfiguration(
///     authority: try CertificateAuthority.load(from: files),
///     policy: ForwardPolicy(extraAllowedHosts: ["llm.example.com"], otherHosts: .refuse))
/// var proxy = RecorderConfiguration()
/// proxy.forward = forward
/// ```
public struct ForwardConfiguration: Sendable {
    /// Signs a leaf for every intercepted host.
    public var authority: CertificateAuthority
    /// Intercept, tunnel or refuse; loopback and private destinations.
    public var policy: ForwardPolicy
    /// `--forward-resolve`: fixed destinations for `host:port` (explicitly opted into, so they
    /// bypass the private-address check; meant for tests and local gateways).
    public var resolveOverrides: [ForwardResolveOverride]
    /// Trusted besides the system trust store when verifying intercepted upstreams
    /// (`--forward-upstream-ca`).
    public var upstreamTrustRoots: [NIOSSLCertificate]

    public init(
        authority: CertificateAuthority, policy: ForwardPolicy = ForwardPolicy(),
        resolveOverrides: [ForwardResolveOverride] = [], upstreamTrustRoots: [NIOSSLCertificate] = []
    ) {
        self.authority = authority
        self.policy = policy
        self.resolveOverrides = resolveOverrides
        self.upstreamTrustRoots = upstreamTrustRoots
    }

    /// Adds the certificates of a PEM bundle to `upstreamTrustRoots`; the error names the file.
    public mutating func trustUpstreamCertificates(inPEMFile path: String) throws {
        upstreamTrustRoots += try RecorderConfiguration.upstreamCertificates(inPEMFile: path)
    }

    /// The override for `host:port`, if one was configured.
    func override(host: String, port: Int) -> ForwardResolveOverride? {
        resolveOverrides.first { $0.host == host.lowercased() && $0.port == port }
    }
}
