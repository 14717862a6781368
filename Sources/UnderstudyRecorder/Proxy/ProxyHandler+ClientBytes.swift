import NIOCore

/// Raw mode's way in: the client's bytes, framed by `ClientRequestFramer` into the same request
/// events NIO's codec gave (head, body parts, end). Pipelined requests wait in `input`, unparsed,
/// until the response before them is complete (one request at a time, in order), and reading
/// from the client pauses meanwhile. Malformed input is answered here: 400, or 431 for a head
/// over the limit, then the connection closes; other connections are not affected.
extension ProxyHandler {
    /// Bytes from the client (`ClientBytesHandler`), taken `consuming`: moved into `input`, not
    /// copied (a retain and release per read).
    func receive(_ bytes: consuming ByteBuffer) {
        guard requestFramer != nil else { return }
        if input.readableBytes == 0 {
            input = consume bytes
        } else {
            input.writeBuffer(&bytes)
        }
        drainInput()
    }

    /// Frames what `input` holds while requests may start or continue.
    func drainInput() {
        guard !draining, let context, requestFramer != nil else { return }
        draining = true
        defer { draining = false }
        framing: while true {
            switch machine.state {
            case .closed:
                input = ByteBuffer()
                return
            case .active, .discardingRequestBody:
                // The next request waits until this one's response is complete.
                if requestFramer!.atMessageBoundary { return }
            case .idle:
                break
            }
            let event: ClientRequestFramer.Event?
            do {
                event = try requestFramer!.next(&input)
            } catch {
                malformedRequest(error, context: context)
                return
            }
            // Consumed, not unwrapped into a copy (a copy of a head retained every string in it).
            switch consume event {
            case .head(let head)?: requestHead(head, context: context)
            case .body(let buffer)?: requestBody(buffer)
            case .end?: requestEnd(context)
            case nil: break framing
            }
        }
        // Let go of the read buffer (not `clear()`, which keeps it): NIO reuses a receive buffer
        // only when nothing else holds it.
        if input.readableBytes == 0 { input = ByteBuffer() }
        resumeReading()
    }

    /// A pipelined request is waiting: reading more from the client waits too.
    var pipelinedInputWaiting: Bool { requestFramer != nil && input.readableBytes > 0 }

    private func malformedRequest(_ failure: ClientRequestFramer.Failure, context: ChannelHandlerContext) {
        services.metrics.badRequest(status: failure.status)
        services.logger.debug("malformed request", metadata: [
            "client": "\(context.channel.remoteAddress?.description ?? "?")", "error": "\(failure)",
        ])
        input = ByteBuffer()
        guard case .idle = machine.state else {
            // Inside a request (its body's framing broke): closing is the only signal left; the
            // record is finished as aborted when the channel goes inactive.
            context.close(promise: nil)
            return
        }
        _ = machine.shutdownRequested()
        let buffer = ProxyProtocolErrorHandler.rawAnswer(
            status: failure.status == 431 ? .requestHeaderFieldsTooLarge : .badRequest, allocator: context.channel.allocator)
        clientFlushPending = false
        context.writeAndFlush(NIOAny(buffer)).whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
    }
}

/// Raw mode's front of the pipeline: hands the client's bytes straight to the connection's
/// `ProxyHandler` (no HTTP codec, no pipeline stage per request part), and drives the
/// connection's header and idle timeouts (`ConnectionDeadlines`) from the same events, so no
/// timeout stage sits in the pipeline (a hop on every read, write and flush).
final class ClientBytesHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let proxy: ProxyHandler
    private let deadlines: ConnectionDeadlines

    init(proxy: ProxyHandler, deadlines: ConnectionDeadlines) {
        self.proxy = proxy
        self.deadlines = deadlines
    }

    func handlerAdded(context: ChannelHandlerContext) {
        proxy.bytesContext = context
        if context.channel.isActive { deadlines.connectionActive(context.channel) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        proxy.bytesContext = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        deadlines.connectionActive(context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadlines.connectionInactive()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadlines.bytesReceived()
        proxy.receive(unwrapInboundIn(data))
    }

    /// The end of a read burst, handled here rather than fired on through the proxy handler and
    /// the pipeline's tail; the next read is asked for from here, which reaches the socket at
    /// once. Left to NIO, that request started at the proxy handler (its `read` holds reads back):
    /// two passes more per client read. When the proxy holds reads back the read is marked
    /// withheld at once (NIO's own request, with autoRead on, reaches the proxy handler's `read`
    /// too, which withholds it the same way), and `resumeReading` asks for it.
    func channelReadComplete(context: ChannelHandlerContext) {
        proxy.clientReadComplete()
        proxy.readOrWithhold(from: context)
    }
}
