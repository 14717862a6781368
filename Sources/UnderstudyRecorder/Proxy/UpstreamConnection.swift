import AsyncHTTPClient
import NIOCore
import NIOPosix
import NIOSSL

/// The direct upstream path of one client connection: a dedicated keep-alive HTTP/1.1 connection
/// to the upstream, opened on the client connection's own event loop and reused by its next
/// requests (to the same upstream). Requests are written as they arrive, response parts go to the
/// `ProxyHandler` synchronously on the same loop: no pool, no per-request task or future chain,
/// no hop between threads. Confined to the event loop.
///
/// The connection carries bytes, not NIO HTTP parts: the request head is encoded once by
/// `UpstreamRequestEncoder`, body bytes pass as read (chunk-framed only when their length is
/// unknown), and `UpstreamResponseFramer` finds the response head and body slices in what the
/// upstream sends, so no HTTP codec sits in the upstream pipeline (only TLS for https).
///
/// Back pressure both ways: `isFull` (upstream socket not writable, or too much waiting for the
/// connection) makes the handler stop reading the client; while the client socket is not
/// writable, reads from the upstream are held back: `UpstreamResponseHandler.channelReadComplete`
/// asks for the next read only while the client is writable, and its `read` withholds NIO's own
/// request meanwhile (`clientDrained` asks again).
///
/// A request sent on a reused connection that the upstream closed meanwhile (its keep-alive
/// timeout raced the request) is sent again once on a fresh connection, as long as no response
/// byte came back and the bytes sent so far are still held (up to `replayLimit`).
final class UpstreamConnection: UpstreamRequestSink {
    private enum State { case none, connecting, busy, idle }

    private let eventLoop: any EventLoop
    private let services: ProxyServices
    /// The client connection's handler, held strongly: a weak reference gave the handler a side
    /// table, which made every retain and release of it take the runtime's slow path, and cost a
    /// `swift_weakLoadStrong` per upstream read and per request (~1% of the loop's samples at
    /// max load). The cycle with `ProxyHandler.direct` is broken by `detach()`, which the
    /// handler calls when its channel goes inactive and when it is removed from the pipeline.
    private(set) var owner: ProxyHandler?
    /// The client connection's channel, asked whether it takes more (held strongly: no weak load
    /// per upstream read; the cycle through its pipeline ends when the channel closes, as NIO
    /// then removes the handlers).
    private let clientChannel: (any Channel)?
    private var state = State.none
    private var channel: (any Channel)? {
        didSet {
            let pipeline = channel?.pipeline.syncOperations
            writer = try? pipeline?.context(handlerType: UpstreamResponseHandler.self)
        }
    }
    /// The context of the channel's `UpstreamResponseHandler`: requests are written from it, so
    /// they go straight to the socket (or TLS). Written to the channel, a write started at that
    /// handler, which passes writes through: a pass more per request. Found once per channel;
    /// `connect`'s initializer adds the handler, so the lookup only fails for a channel built
    /// elsewhere, and `connected` asserts it did not (without a writer `send` drops the bytes).
    private var writer: ChannelHandlerContext?
    /// The route (upstream) the connection goes to while it may be reused; nil: not reusable.
    /// Compared by identity first: the same `RouteCache` comes back for every request of a
    /// connection that repeats its route (a value comparison copied the `Upstream` each time).
    private var target: RouteCache?
    private var attempt = 0
    private var generation = 0
    /// Bytes waiting for the connection to be established.
    private var pending: [ByteBuffer] = []
    private var pendingBytes = 0
    /// The bytes sent on a reused connection, kept until the response starts (only while
    /// `replayable`; the array keeps its storage from request to request).
    private var replay: [ByteBuffer] = []
    private var replayable = false
    private var replayBytes = 0
    private var reused = false
    private var requestEnded = false
    /// The request body is chunk-framed here (its length was unknown).
    private var chunked = false
    private var framer = UpstreamResponseFramer()
    /// The response head arrived (no replay any more).
    private var responseStarted = false
    /// The request head and small body writes after it, gathered until the flush; a flush only
    /// when something was written since the last one.
    private let writes = UpstreamRequestGatherer()
    static let gatherLimit = UpstreamRequestGatherer.gatherLimit
    private var readSinceTick = false
    private var readTimer: Scheduled<Void>?
    private let pendingLimit = 256 * 1024
    private let replayLimit = 64 * 1024

    init(eventLoop: any EventLoop, services: ProxyServices, owner: ProxyHandler) {
        self.eventLoop = eventLoop
        self.services = services
        self.owner = owner
        clientChannel = owner.context?.channel
    }

    /// Whether the client should not be read until `ProxyHandler.upstreamDrained`.
    var isFull: Bool {
        switch state {
        case .connecting: return pendingBytes > pendingLimit
        case .busy: return channel?.isWritable == false
        case .none, .idle: return false
        }
    }

    /// Starts a request (`head`: its encoded head; `chunked`: frame the body parts as chunks) on
    /// the idle connection when it goes to the same upstream, else on a new one.
    func start(_ head: ByteBuffer, chunked: Bool, isHEAD: Bool, to route: RouteCache, generation: Int) {
        self.generation = generation
        self.chunked = chunked
        requestEnded = false
        responseStarted = false
        pending = []
        pendingBytes = 0
        replayBytes = 0
        framer.expectResponse(toHEAD: isHEAD)
        let sameRoute = target.map { $0 === route || $0.upstream == route.upstream } ?? false
        if state == .idle, let channel, channel.isActive, sameRoute {
            reused = true
            replayable = true
            replay.removeAll(keepingCapacity: true)
            state = .busy
            writes.start(head)
            owner?.upstreamReadyForBody()
        } else {
            close()
            reused = false
            pending.append(head)
            pendingBytes += head.readableBytes
            connect(route)
        }
        scheduleReadTimer()
    }

    func writeBody(_ buffer: ByteBuffer) {
        guard buffer.readableBytes > 0 else { return }
        if chunked {
            var header = ByteBuffer()
            UpstreamRequestEncoder.writeChunkHeader(length: buffer.readableBytes, into: &header)
            write(header)
            write(buffer)
            write(ByteBuffer(staticString: "\r\n"))
        } else {
            write(buffer)
        }
    }

    func endBody() {
        requestEnded = true
        if chunked { write(ByteBuffer(staticString: "0\r\n\r\n")) }
        if state == .busy { flush() }
    }

    private func write(_ buffer: ByteBuffer) {
        switch state {
        case .connecting:
            pending.append(buffer)
            pendingBytes += buffer.readableBytes
        case .busy:
            writes.write(buffer, to: self)
        case .none, .idle:
            break
        }
    }

    /// Flushes what the request wrote since the last flush (once per client read burst).
    func flush() {
        guard channel != nil else { return }
        writes.flush(to: self)
    }

    /// A buffer for the next request's head (and a small body gathered after it).
    func headBuffer(minimumCapacity: Int) -> ByteBuffer {
        writes.headBuffer(minimumCapacity: minimumCapacity)
    }

    /// The client connection is gone: closed, and no callback reaches its handler any more.
    func detach() {
        close()
        owner = nil
    }

    /// Ends the connection (client gone, or the request cancelled); no further callbacks.
    func close() {
        attempt += 1
        readTimer?.cancel()
        readTimer = nil
        state = .none
        pending = []
        _ = writes.takeUnsent()
        dropReplay()
        target = nil
        framer.reset()
        if let channel {
            self.channel = nil
            channel.close(promise: nil)
        }
    }

    /// `UpstreamRequestSink`: the bytes go to the upstream channel, and are kept for a replay
    /// while the request may be sent again.
    func send(_ buffer: ByteBuffer, flush: Bool) {
        guard let writer else { return }
        if replayable {
            replayBytes += buffer.readableBytes
            if replayBytes > replayLimit { dropReplay() } else { replay.append(buffer) }
        }
        if flush {
            writer.writeAndFlush(NIOAny(buffer), promise: nil)
        } else {
            writer.write(NIOAny(buffer), promise: nil)
        }
    }

    func flushWritten() {
        writer?.flush()
    }

    /// The request can no longer be sent again (its response started, or it was too long).
    private func dropReplay() {
        replayable = false
        replay.removeAll(keepingCapacity: true)
    }

    private func connect(_ route: RouteCache) {
        let upstream = route.upstream
        state = .connecting
        target = route
        attempt += 1
        let attempt = self.attempt
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let tls = upstream.scheme == "https" ? services.upstreamTLS : nil
        let host = upstream.host
        ClientBootstrap(group: eventLoop)
            .connectTimeout(.milliseconds(Int64(services.configuration.upstreamConnectTimeoutSeconds * 1000)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if upstream.scheme == "https" {
                        guard let tls else { throw RecorderError("no TLS context for upstream \(host)") }
                        // SNI names a host, never an address.
                        let isIP = (try? SocketAddress(ipAddress: host, port: 0)) != nil
                        try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: isIP ? nil : host))
                    }
                    // Last, behind TLS for https: `writer` is this handler's context, and what
                    // is written from it passes only the handlers in front of it (TLS) to the
                    // socket. A handler added behind it would see none of the requests.
                    try pipeline.addHandler(UpstreamResponseHandler(connection: bound.value))
                }
            }
            .connect(host: host, port: upstream.port)
            .whenComplete { result in bound.value.connected(result, attempt: attempt) }
    }

    private func connected(_ result: Result<any Channel, any Error>, attempt: Int) {
        guard attempt == self.attempt, state == .connecting else {
            if case .success(let channel) = result { channel.close(promise: nil) }
            return
        }
        switch result {
        case .failure(let error):
            state = .none
            target = nil
            if case .connectTimeout = error as? ChannelError {
                fail(HTTPClientError.connectTimeout)
            } else {
                fail(error)
            }
        case .success(let channel):
            self.channel = channel
            assert(writer != nil, "the upstream channel has no UpstreamResponseHandler: requests would be dropped")
            state = .busy
            let wasFull = isFull
            let buffers = pending
            pending = []
            pendingBytes = 0
            for buffer in buffers { writes.pass(buffer, to: self) }
            flush()
            owner?.upstreamReadyForBody()
            if wasFull { owner?.upstreamDrained() }
        }
    }

    private func fail(_ error: any Error) {
        let generation = self.generation
        close()
        owner?.upstreamFailed(error, generation: generation)
    }

    // MARK: read timeout

    /// Fires every read-timeout interval while a request is in flight; a whole interval without a
    /// read from the upstream fails the request (so silence is detected after one to two intervals,
    /// without taking the time on every read). Armed lazily: a timer still pending from an earlier
    /// request on this connection is kept (the request's start counts as activity), so requests
    /// on a keep-alive connection schedule nothing.
    private func scheduleReadTimer() {
        if readTimer != nil {
            readSinceTick = true
        } else {
            readSinceTick = false
            armReadTimer()
        }
    }

    private func armReadTimer() {
        let interval = TimeAmount.milliseconds(Int64(services.configuration.upstreamReadTimeoutSeconds * 1000))
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        readTimer = eventLoop.scheduleTask(in: interval) { bound.value.readTimerFired() }
    }

    private func readTimerFired() {
        readTimer = nil
        guard state == .busy || state == .connecting else { return }
        if readSinceTick || state == .connecting {
            readSinceTick = false
            armReadTimer()
        } else {
            fail(HTTPClientError.readTimeout)
        }
    }

    // MARK: events from the upstream channel

    /// Bytes read by the upstream channel whose handler context is `context` (compared with
    /// `writer`, not by channel: `context.channel` cost a retain and release per read). Taken
    /// `consuming`: the framer consumes them in place (a borrowed buffer was copied for that, a
    /// retain and release per read).
    func received(_ bytes: consuming ByteBuffer, from context: ChannelHandlerContext) {
        guard context === writer else { return }
        guard state == .busy else {
            // Bytes outside a response (an idle connection's upstream talking out of turn): the
            // framing is lost, so this connection is not reused.
            if state == .idle { close() }
            return
        }
        readSinceTick = true
        // One load of the reference per read, not one per event.
        guard let owner else { return }
        // One clock read per upstream read: the events in it all arrived now.
        let now = NIODeadline.now()
        do {
            while state == .busy, let event = try framer.next(&bytes) {
                deliver(event, to: owner, at: now)
            }
        } catch {
            fail(error)
            return
        }
        if state == .idle && bytes.readableBytes > 0 { close() }
    }

    private func deliver(_ event: UpstreamResponseFramer.Event, to owner: ProxyHandler, at now: NIODeadline = .now()) {
        switch event {
        case .head(let head):
            dropReplay()
            responseStarted = true
            if !framer.reusable { target = nil }
            owner.upstreamHead(head, generation: generation, at: now)
        case .body(let buffer):
            owner.upstreamBody(buffer, generation: generation, promise: nil, at: now)
        case .end:
            // Reusable only when both messages are complete and the upstream keeps it open.
            if requestEnded, target != nil {
                state = .idle
            } else {
                close()
            }
            owner.upstreamEnd(generation: generation, at: now)
        }
    }

    func readComplete(from context: ChannelHandlerContext) {
        guard context === writer else { return }
        owner?.upstreamReadComplete()
    }

    func writabilityChanged(_ channel: any Channel) {
        guard channel === self.channel, channel.isWritable else { return }
        owner?.upstreamDrained()
    }

    func failed(_ error: (any Error)?, from channel: any Channel) {
        guard channel === self.channel else { return }
        switch state {
        case .busy:
            // A body that runs until the upstream closes ends here.
            if error == nil, responseStarted, let end = try? framer.closed() {
                if let owner { deliver(end, to: owner) }
                owner?.upstreamReadComplete()
                return
            }
            if reused, replayable, let target {
                // The upstream closed an idle connection as the request went out: once more, fresh.
                self.channel = nil
                channel.close(promise: nil)
                reused = false
                var parts = replay
                dropReplay()
                framer.reset()
                if let unsent = writes.takeUnsent() {
                    // Not handed to the old connection yet: it goes after what was.
                    parts.append(unsent)
                    replayBytes += unsent.readableBytes
                }
                pending = parts
                pendingBytes = replayBytes
                connect(target)
                return
            }
            fail(error ?? HTTPClientError.remoteConnectionClosed)
        case .idle, .connecting, .none:
            close()
        }
    }

    /// Whether the client can take more of the response (else upstream reads wait).
    var clientWritable: Bool { clientChannel?.isWritable ?? true }

    /// The client is writable again: ask for the upstream read that may have been held back.
    func clientDrained() {
        channel?.read()
    }
}

/// The end of the upstream pipeline: hands response parts to the `UpstreamConnection`, and holds
/// reads back while the client is not writable.
final class UpstreamResponseHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let connection: UpstreamConnection

    init(connection: UpstreamConnection) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.received(unwrapInboundIn(data), from: context)
    }

    /// The end of an upstream read burst; the next read is asked for from here (straight to the
    /// socket, or TLS), so NIO's own request, which would start at this handler's `read`, is not
    /// needed: a pass less per upstream read. While the client takes no more, NIO's request
    /// still comes and `read` holds it back.
    func channelReadComplete(context: ChannelHandlerContext) {
        connection.readComplete(from: context)
        if connection.clientWritable { context.read() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        connection.writabilityChanged(context.channel)
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.failed(nil, from: context.channel)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        connection.failed(error, from: context.channel)
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        // A held-back read is asked for again by `UpstreamConnection.clientDrained`.
        guard connection.clientWritable else { return }
        context.read()
    }
}
