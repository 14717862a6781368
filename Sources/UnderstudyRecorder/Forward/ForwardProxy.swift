import AsyncHTTPClient
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import SwiftASN1
import Synchronization
import X509

/// What every connection of `record --forward` shares: the settings, the upstream client that
/// verifies intercepted hosts (system trust store plus `upstreamTrustRoots`), the TLS server
/// contexts of the minted leaves (one per host, reused until the CA re-mints the leaf), and
/// the policy decision with DNS resolution off the event loop.
final class ForwardProxy: Sendable {
    let configuration: ForwardConfiguration
    let client: HTTPClient
    let logger: Logger
    /// The policy for `--forward-resolve` targets: opted into explicitly, so private is allowed.
    private let overridePolicy: ForwardPolicy
    private let contexts = Mutex<[String: (serial: Certificate.SerialNumber, context: NIOSSLContext)]>([:])

    init(
        configuration: ForwardConfiguration, recorder: RecorderConfiguration, group: any EventLoopGroup, logger: Logger
    ) {
        self.configuration = configuration
        self.logger = logger
        let policy = configuration.policy
        overridePolicy = ForwardPolicy(
            extraAllowedHosts: Array(policy.allowedHosts), otherHosts: policy.otherHosts, allowPrivate: true)
        var tls = TLSConfiguration.makeClientConfiguration()
        if !configuration.upstreamTrustRoots.isEmpty {
            tls.additionalTrustRoots = [.certificates(configuration.upstreamTrustRoots)]
        }
        var clientConfiguration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            timeout: .init(
                connect: .milliseconds(Int64(recorder.upstreamConnectTimeoutSeconds * 1000)),
                read: .milliseconds(Int64(recorder.upstreamReadTimeoutSeconds * 1000))),
            decompression: .disabled)
        clientConfiguration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: recorder.upstreamPoolSize)
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        clientConfiguration.redirectConfiguration = .disallow
        // TLS still names and verifies the host; only the address it connects to is fixed.
        for fixed in configuration.resolveOverrides { clientConfiguration.dnsOverride[fixed.host] = fixed.address }
        client = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: clientConfiguration)
    }

    /// A policy decision and, unless refused, the address to connect to.
    struct Resolution {
        var decision: ForwardPolicy.Decision
        var address: SocketAddress?
        /// The port the upstream URL uses (the override's port when one applies).
        var port: Int
    }

    /// Decides for `authority` (`host:port`): a `--forward-resolve` override applies without DNS;
    /// a name is resolved on NIO's thread pool and the policy sees the address it resolved to.
    func resolve(authority: String, on eventLoop: any EventLoop) -> EventLoopFuture<Resolution> {
        guard let (host, port) = ForwardPolicy.split(authority: authority) else {
            return eventLoop.makeSucceededFuture(
                Resolution(decision: configuration.policy.decide(authority: authority), address: nil, port: 0))
        }
        if let fixed = configuration.override(host: host, port: port) {
            let decision = overridePolicy.decide(authority: authority)
            let address = try? SocketAddress(ipAddress: fixed.address, port: fixed.targetPort)
            return eventLoop.makeSucceededFuture(
                Resolution(decision: decision, address: address, port: fixed.targetPort))
        }
        let policy = configuration.policy
        return NIOThreadPool.singleton.runIfActive(eventLoop: eventLoop) { () -> Resolution in
            let address: SocketAddress
            do {
                address = try SocketAddress.makeAddressResolvingHost(host, port: port)
            } catch {
                return Resolution(
                    decision: .refuse(status: 502, reason: "cannot resolve \(host): \(error)"),
                    address: nil, port: port)
            }
            return Resolution(
                decision: policy.decide(authority: authority, resolved: [Self.bytes(of: address)]),
                address: address, port: port)
        }
    }

    /// The route for requests to `host` (`https` when intercepted from a CONNECT).
    func route(scheme: String, host: String, port: Int, record: Bool) throws -> ForwardRoute {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        var upstream = try Upstream(name: "default", url: "\(scheme)://\(hostPart):\(port)")
        upstream.name = "forward"
        return ForwardRoute(upstream: upstream, client: client, record: record)
    }

    /// The TLS server context presenting `host`'s leaf (minted and cached by the CA); rebuilt
    /// only when the CA hands out a new leaf.
    func serverContext(for host: String) throws -> NIOSSLContext {
        let leaf = try configuration.authority.leaf(for: host)
        if let cached = contexts.withLock({ $0[leaf.host] }), cached.serial == leaf.certificate.serialNumber {
            return cached.context
        }
        let context: NIOSSLContext
        do {
            let chain = try [leaf.certificate, leaf.issuer].map { certificate -> NIOSSLCertificateSource in
                var serializer = DER.Serializer()
                try serializer.serialize(certificate)
                return .certificate(try NIOSSLCertificate(bytes: serializer.serializedBytes, format: .der))
            }
            let key = try NIOSSLPrivateKey(bytes: Array(leaf.privateKeyPEM.utf8), format: .pem)
            var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            // The decrypted side is served by the HTTP/1.1 pipeline.
            tls.applicationProtocols = ["http/1.1"]
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw RecorderError("cannot build the TLS context for the minted certificate of \(host): \(error)")
        }
        contexts.withLock { $0[leaf.host] = (leaf.certificate.serialNumber, context) }
        return context
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    /// Network-order bytes of an IPv4 or IPv6 socket address.
    static func bytes(of address: SocketAddress) -> [UInt8] {
        switch address {
        case .v4(let v4): withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6): withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        default: []
        }
    }
}
