import NIOCore

/// The header and idle timeouts of one client connection, without a pipeline stage of their own:
/// raw mode's `ClientBytesHandler` drives them from the reads it already handles (a separate
/// handler in front cost a pipeline hop on every read, read-complete, write, flush and read
/// request), forward mode's `ConnectionTimeoutHandler` wraps them. The proxy handler tells them
/// when a request head arrived and when its response was complete.
///
/// Closes a connection that began a request but has not finished its headers within the header
/// timeout (slowloris), and a keep-alive connection idle for the idle timeout. Confined to the
/// connection's event loop.
final class ConnectionDeadlines {
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
    /// The open connection and its event loop, nil once it closed. The loop is asked once:
    /// `channel.eventLoop` is a call through the existential and a retain and release, twice per
    /// request (`arm` at a request's first bytes and its end). One optional for both, so a timer
    /// is never cancelled for a loop without a channel to schedule the next one on.
    private var connection: (channel: any Channel, eventLoop: any EventLoop)?

    init(headerTimeout: TimeAmount, idleTimeout: TimeAmount, onHeaderTimeout: @escaping @Sendable () -> Void) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.onHeaderTimeout = onHeaderTimeout
    }

    /// The connection is open: the idle timeout runs until the first bytes come.
    func connectionActive(_ channel: any Channel) {
        connection = (channel, channel.eventLoop)
        arm(idleTimeout, header: false)
    }

    /// The connection closed: no timer stays behind (nor the channel it would hold).
    func connectionInactive() {
        timer?.cancel()
        timer = nil
        deadline = nil
        connection = nil
    }

    /// Bytes from the client: the first ones of a request start the header timeout.
    func bytesReceived() {
        guard phase == .awaitingHead else { return }
        phase = .headerStarted
        arm(headerTimeout, header: true)
    }

    /// A request's head is complete: no deadline until its response is.
    func requestHeadReceived() {
        phase = .inRequest
        deadline = nil
    }

    /// The response is complete: the connection may idle for the idle timeout.
    func responseCompleted() {
        guard connection != nil else { return }
        phase = .awaitingHead
        arm(idleTimeout, header: false)
    }

    private func arm(_ amount: TimeAmount, header: Bool) {
        // The loop alone is loaded for the usual case (a timer already due in time): a copy of
        // the pair retained and released the channel too, twice per request.
        guard let eventLoop = connection?.eventLoop else { return }
        let due = eventLoop.now + amount
        deadline = due
        deadlineIsHeader = header
        if timer != nil, timerDue <= due { return }
        guard let channel = connection?.channel else { return }
        timer?.cancel()
        schedule(at: due, on: eventLoop, channel: channel)
    }

    private func schedule(at due: NIODeadline, on eventLoop: any EventLoop, channel: any Channel) {
        timerDue = due
        let deadlines = NIOLoopBound(self, eventLoop: eventLoop)
        timer = eventLoop.scheduleTask(deadline: due) { deadlines.value.fire(on: eventLoop, channel: channel) }
    }

    private func fire(on eventLoop: any EventLoop, channel: any Channel) {
        timer = nil
        guard let deadline, channel.isActive else { return }
        guard eventLoop.now >= deadline else {
            schedule(at: deadline, on: eventLoop, channel: channel)
            return
        }
        if deadlineIsHeader { onHeaderTimeout() }
        channel.close(promise: nil)
    }
}
