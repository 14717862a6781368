import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// After a CONNECT is accepted the connection stops speaking HTTP to the proxy: the HTTP
/// handlers are removed and either TLS termination (then a fresh HTTP/1.1 pipeline whose
/// `ProxyHandler` is bound to the route) or a blind byte relay takes their place.
extension ForwardConnectHandler {
    static let established = "HTTP/1.1 200 Connection Established\r\n\r\n"

    /// Switches to TLS with the minted leaf, then serves the decrypted requests through `ProxyHandler`.
    func intercept(tls: NIOSSLContext, route: ForwardRoute, context: ChannelHandlerContext) throws {
        let services = self.services
        let configuration = services.configuration
        try leaveHTTP(context: context)
        let handler = ProxyHandler(services: services, route: route)
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderListSize = configuration.maxHeaderBytes
        limits.maxHeaderFieldSize = configuration.maxHeaderBytes
        let metrics = services.metrics
        let pipeline = context.pipeline.syncOperations
        try pipeline.addHandlers([
            NIOSSLServerHandler(context: tls),
            ForwardHandshakeLogger(host: route.upstream.host, logger: forward.logger),
            HTTPResponseEncoder(configuration: .init()),
            ByteToMessageHandler(
                HTTPRequestDecoder(
                    leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .drop, limitConfiguration: limits)
            ),
            HTTPServerPipelineHandler(),
            ProxyProtocolErrorHandler(onBadRequest: { metrics.badRequest(status: $0) }),
            handler,
        ])
        pipeline.removeHandler(context: context, promise: nil)
        // The handshake and the first request's headers must now arrive within the header timeout.
        context.channel.triggerUserOutboundEvent(ConnectionTimeoutHandler.Event.responseCompleted, promise: nil)
    }

    /// Connects to `address` and relays bytes both ways, recording nothing.
    func tunnel(to address: SocketAddress, authority: String, context: ChannelHandlerContext) {
        let client = context.channel
        let logger = forward.logger
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        ClientBootstrap(group: context.eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.milliseconds(Int64(services.configuration.upstreamConnectTimeoutSeconds * 1000)))
            .connect(to: address)
            .whenComplete { result in
                let (handler, context) = bound.value
                switch result {
                case .failure(let error):
                    logger.warning(
                        "forward: tunnel connect failed", metadata: ["connect": "\(authority)", "error": "\(error)"])
                    guard client.isActive else { return }
                    handler.respond(
                        status: .badGateway, type: "upstream_unreachable",
                        message: "understudy: cannot connect to \(authority): \(error)", context: context)
                case .success(let peer):
                    guard client.isActive else {
                        peer.close(promise: nil)
                        return
                    }
                    do {
                        try handler.leaveHTTP(context: context)
                        let (near, far) = TunnelGlueHandler.pair()
                        try context.pipeline.syncOperations.addHandler(near)
                        try peer.pipeline.syncOperations.addHandler(far)
                        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
                        logger.debug("forward: tunnel open", metadata: ["connect": "\(authority)"])
                    } catch {
                        peer.close(promise: nil)
                        client.close(promise: nil)
                    }
                }
            }
    }

    /// Removes the proxy's HTTP handlers (the CONNECT has been read in full; the client sends
    /// nothing more before the 200) and writes the 200 as raw bytes.
    func leaveHTTP(context: ChannelHandlerContext) throws {
        let pipeline = context.pipeline.syncOperations
        try pipeline.removeHandler(pipeline.handler(type: ProxyHandler.self), promise: nil)
        try pipeline.removeHandler(pipeline.handler(type: ProxyProtocolErrorHandler.self), promise: nil)
        try pipeline.removeHandler(pipeline.handler(type: HTTPServerPipelineHandler.self), promise: nil)
        try pipeline.removeHandler(pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self), promise: nil)
        try pipeline.removeHandler(pipeline.handler(type: HTTPResponseEncoder.self), promise: nil)
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: Self.established)), promise: nil)
    }
}
