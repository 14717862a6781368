import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// `understudy record`'s reverse proxy: an HTTP/1.1 server (keep-alive, pipelining) whose
/// requests go to the configured upstreams, each client connection over its own keep-alive
/// upstream connection (`UpstreamConnection`), streamed both ways, and whose exchanges go to an
/// `ExchangeRecorder`.
///
/// ```swift
/// let proxy = ReverseProxy(configuration: config, recorder: recorder, metrics: metrics)
/// let address = try await proxy.start()      // listening
/// ...
/// await proxy.shutdown()                     // stop accepting, drain, close
/// ```
public final class ReverseProxy: Sendable {
    /// Sent to every connection when shutdown begins.
    struct ShutdownEvent {}

    public let configuration: RecorderConfiguration
    public let group: MultiThreadedEventLoopGroup
    private let services: ProxyServices
    private let serverChannel = NIOLockedValueBox<(any Channel)?>(nil)
    private let connections = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])
    private let logger: Logger

    public init(
        configuration: RecorderConfiguration, recorder: ExchangeRecorder, metrics: RecorderMetrics,
        logger: Logger = Logger(label: "understudy.record"), group: MultiThreadedEventLoopGroup? = nil,
        answerer: (any LocalAnswerer)? = nil
    ) {
        self.configuration = configuration
        self.group = group ?? MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        self.logger = logger
        let group = self.group
        let forward = configuration.forward.map {
            ForwardProxy(configuration: $0, recorder: configuration, group: group, logger: logger)
        }
        self.services = ProxyServices(
            configuration: configuration, recorder: recorder, metrics: metrics, logger: logger,
            listenerLabel: configuration.listen.description, answerer: answerer, forward: forward)
    }

    /// Binds the listener; returns the bound address (useful with port 0).
    @discardableResult
    public func start() async throws -> ListenAddress {
        let services = self.services
        let configuration = self.configuration
        let connections = self.connections
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                let id = ObjectIdentifier(channel)
                connections.withLockedValue { $0[id] = channel }
                channel.closeFuture.whenComplete { _ in _ = connections.withLockedValue { $0.removeValue(forKey: id) } }
                return channel.eventLoop.makeCompletedFuture {
                    try ReverseProxy.configure(channel.pipeline.syncOperations, services: services,
                                               configuration: configuration)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: configuration.listen.host, port: configuration.listen.port).get()
        } catch {
            throw RecorderError("cannot listen on \(configuration.listen): \(error)")
        }
        serverChannel.withLockedValue { $0 = channel }
        let port = channel.localAddress?.port ?? configuration.listen.port
        return ListenAddress(host: configuration.listen.host, port: port)
    }

    static func configure(
        _ pipeline: ChannelPipeline.SynchronousOperations, services: ProxyServices, configuration: RecorderConfiguration
    ) throws {
        let metrics = services.metrics
        let deadlines = ConnectionDeadlines(
            headerTimeout: .milliseconds(Int64(configuration.headerTimeoutSeconds * 1000)),
            idleTimeout: .milliseconds(Int64(configuration.idleTimeoutSeconds * 1000)),
            onHeaderTimeout: { metrics.badRequest(status: 408) })
        guard let forward = services.forward else {
            // Raw mode: the client's bytes are framed by the proxy handler itself, and the
            // timeouts run in the handler that receives them (no stage of their own).
            // This order, and nothing between the two: the answer is written from
            // `ClientBytesHandler`'s context (`ProxyHandler.bytesContext`) straight to the socket,
            // so a handler put in front of it would see none of the answer's bytes, and one put
            // between them would see them only in one direction.
            let proxy = ProxyHandler(services: services, raw: true, deadlines: deadlines)
            try pipeline.addHandler(ClientBytesHandler(proxy: proxy, deadlines: deadlines))
            try pipeline.addHandler(proxy)
            return
        }
        try pipeline.addHandler(ConnectionTimeoutHandler(deadlines: deadlines))
        // Forward mode (CONNECT and absolute-form requests on the same listener): NIO's codec.
        try pipeline.addHandler(HTTPResponseEncoder(configuration: .init()))
        var decoderConfiguration = NIOHTTPDecoderLimitConfiguration()
        decoderConfiguration.maxHeaderListSize = configuration.maxHeaderBytes
        decoderConfiguration.maxHeaderFieldSize = configuration.maxHeaderBytes
        try pipeline.addHandler(ByteToMessageHandler(
            HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .drop, limitConfiguration: decoderConfiguration)))
        try pipeline.addHandler(HTTPServerPipelineHandler())
        try pipeline.addHandler(ProxyProtocolErrorHandler(onBadRequest: { metrics.badRequest(status: $0) }))
        try pipeline.addHandler(ForwardConnectHandler(forward: forward, services: services))
        try pipeline.addHandler(ProxyHandler(services: services))
    }

    /// Stops accepting, lets in-flight requests finish (up to the drain timeout), closes every
    /// connection, the forward proxy's client and the recorder (which flushes the archive).
    public func shutdown() async {
        let server = serverChannel.withLockedValue { channel -> (any Channel)? in
            defer { channel = nil }
            return channel
        }
        try? await server?.close()
        let open = connections.withLockedValue { Array($0.values) }
        for channel in open { channel.pipeline.fireUserInboundEventTriggered(ShutdownEvent()) }
        let deadline = ContinuousClock.now + .milliseconds(Int64(configuration.drainTimeoutSeconds * 1000))
        while ContinuousClock.now < deadline, !connections.withLockedValue({ $0.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let left = connections.withLockedValue { Array($0.values) }
        if !left.isEmpty {
            logger.warning("drain timeout: closing connections with requests still in flight",
                           metadata: ["connections": "\(left.count)"])
            for channel in left { channel.close(promise: nil) }
            try? await Task.sleep(for: .milliseconds(50))
        }
        await services.forward?.shutdown()
        services.recorder.close()
    }

    /// Shuts down the event loop group (only when this proxy created it).
    public func shutdownEventLoops() async {
        try? await group.shutdownGracefully()
    }
}
