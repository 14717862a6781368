import NIOCore

/// Closes connections that stall: one that began a request but has not finished its headers
/// within the header timeout (slowloris), and a keep-alive connection idle for the idle timeout.
/// It sits before the HTTP decoder to see raw bytes; the proxy handler tells it, through
/// outbound user events, when a request head arrived and when its response was complete.
public final class ConnectionTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    /// Sent by the HTTP handler (outbound user event) so the timer knows where the request is.
    public enum Event: Sendable { case requestHeadReceived, responseCompleted }

    private enum Phase { case awaitingHead, headerStarted, inRequest }

    private let headerTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private let onHeaderTimeout: @Sendable () -> Void
    private var phase = Phase.awaitingHead
    /// When the connection is closed unless something happens first (nil while a request is in
    /// progress), and whether that is the header timeout.
    private var deadline: NIODeadline?
    private var deadlineIsHeader = false
    // One timer, re-armed lazily: a timer due at or before a new deadline is kept and re-checks
    // the deadline when it fires, so requests on a keep-alive connection schedule nothing (it
    // was two schedules and two cancels per request on the proxy's hot path).
    private var timer: Scheduled<Void>?
    private var timerDue = NIODeadline.distantPast
    private var context: ChannelHandlerContext?

    public init(headerTimeout: TimeAmount, idleTimeout: TimeAmount, onHeaderTimeout: @escaping @Sendable () -> Void = {}) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.onHeaderTimeout = onHeaderTimeout
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { arm(idleTimeout, context: context, header: false) }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// What `Event.requestHeadReceived` does, called directly by a handler of the same pipeline
    /// (the proxy's hot path: an outbound user event walks every handler in between, boxed).
    func requestHeadReceived() {
        phase = .inRequest
        deadline = nil
    }

    /// What `Event.responseCompleted` does, called directly.
    func responseCompleted() {
        guard let context else { return }
        phase = .awaitingHead
        arm(idleTimeout, context: context, header: false)
    }

    public func channelActive(context: ChannelHandlerContext) {
        arm(idleTimeout, context: context, header: false)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        deadline = nil
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if phase == .awaitingHead {
            phase = .headerStarted
            arm(headerTimeout, context: context, header: true)
        }
        context.fireChannelRead(data)
    }

    public func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let event = event as? Event else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        switch event {
        case .requestHeadReceived: requestHeadReceived()
        case .responseCompleted: responseCompleted()
        }
        promise?.succeed()
    }

    private func arm(_ amount: TimeAmount, context: ChannelHandlerContext, header: Bool) {
        let due = context.eventLoop.now + amount
        deadline = due
        deadlineIsHeader = header
        if timer != nil, timerDue <= due { return }
        timer?.cancel()
        schedule(at: due, channel: context.channel, eventLoop: context.eventLoop)
    }

    private func schedule(at due: NIODeadline, channel: any Channel, eventLoop: any EventLoop) {
        timerDue = due
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        timer = eventLoop.scheduleTask(deadline: due) { handler.value.fire(channel: channel, eventLoop: eventLoop) }
    }

    private func fire(channel: any Channel, eventLoop: any EventLoop) {
        timer = nil
        guard let deadline, channel.isActive else { return }
        guard eventLoop.now >= deadline else {
            schedule(at: deadline, channel: channel, eventLoop: eventLoop)
            return
        }
        if deadlineIsHeader { onHeaderTimeout() }
        channel.close(promise: nil)
    }
}
