import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// `understudy mock-upstream`: an HTTP/1.1 server (keep-alive, optional TLS) that answers LLM
/// API requests from a script or a cassette, with configurable time to first byte and token pace.
///
/// ```swift
/// let server = MockUpstreamServer(configuration: .init(listen: try ListenAddress(parsing: "127.0.0.1:0")),
///                                 responder: ScriptResponder(script: script))
/// let address = try await server.start()
/// try await server.shutdown()
/// ```
public final class MockUpstreamServer: Sendable {
    public let configuration: MockUpstreamConfiguration
    private let responder: any MockResponder
    private let group: MultiThreadedEventLoopGroup
    private let channelBox = NIOLockedValueBoxChannel()

    public init(configuration: MockUpstreamConfiguration, responder: any MockResponder) {
        self.configuration = configuration
        self.responder = responder
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
    }

    @discardableResult
    public func start() async throws -> ListenAddress {
        var tls: NIOSSLContext?
        if let cert = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(cert).map { NIOSSLCertificateSource.certificate($0) }
                let tlsConfiguration = TLSConfiguration.makeServerConfiguration(
                    certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
                tls = try NIOSSLContext(configuration: tlsConfiguration)
            } catch {
                throw RecorderError("cannot load the TLS certificate \(cert) or key \(key): \(error)")
            }
        }
        let responder = self.responder
        let configuration = self.configuration
        let sslContext = tls
        // One selector for all connections: the fault rate counts requests server-wide.
        let faults = MockFaultSelector(settings: configuration.faults)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let sslContext { try pipeline.addHandler(NIOSSLServerHandler(context: sslContext)) }
                    try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                    try pipeline.addHandler(MockHandler(responder: responder, configuration: configuration, faults: faults))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: configuration.listen.host, port: configuration.listen.port).get()
        } catch {
            throw RecorderError("cannot listen on \(configuration.listen): \(error)")
        }
        channelBox.set(channel)
        return ListenAddress(host: configuration.listen.host, port: channel.localAddress?.port ?? configuration.listen.port)
    }

    public func shutdown() async throws {
        try? await channelBox.take()?.close()
        try await group.shutdownGracefully()
    }
}

import NIOConcurrencyHelpers

final class NIOLockedValueBoxChannel: Sendable {
    private let box = NIOLockedValueBox<(any Channel)?>(nil)
    func set(_ channel: any Channel) { box.withLockedValue { $0 = channel } }
    func take() -> (any Channel)? {
        box.withLockedValue { value in
            defer { value = nil }
            return value
        }
    }
}
