import NIOCore

/// The connection timeouts (`ConnectionDeadlines`: header timeout against slowloris, idle
/// timeout) as a pipeline stage, for forward mode's listener, where NIO's HTTP codec sits behind
/// it and the handlers tell it through outbound user events when a request head arrived and
/// when its response was complete. Raw mode has no such stage: `ClientBytesHandler` drives the
/// deadlines itself.
public final class ConnectionTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    /// Sent by the HTTP handler (outbound user event) so the timer knows where the request is.
    public enum Event: Sendable { case requestHeadReceived, responseCompleted }

    let deadlines: ConnectionDeadlines

    public convenience init(
        headerTimeout: TimeAmount, idleTimeout: TimeAmount, onHeaderTimeout: @escaping @Sendable () -> Void = {}
    ) {
        self.init(deadlines: ConnectionDeadlines(
            headerTimeout: headerTimeout, idleTimeout: idleTimeout, onHeaderTimeout: onHeaderTimeout))
    }

    init(deadlines: ConnectionDeadlines) {
        self.deadlines = deadlines
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { deadlines.connectionActive(context.channel) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        deadlines.connectionActive(context.channel)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        deadlines.connectionInactive()
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadlines.bytesReceived()
        context.fireChannelRead(data)
    }

    public func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let event = event as? Event else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        switch event {
        case .requestHeadReceived: deadlines.requestHeadReceived()
        case .responseCompleted: deadlines.responseCompleted()
        }
        promise?.succeed()
    }
}
