import NIOCore
import NIOHTTP1
import UnderstudyWire

/// Reverse mode's upstream path: the request goes out on this connection's own `UpstreamConnection`
/// (same event loop, kept alive across requests), its response parts come back synchronously.
extension ProxyHandler {
    func startDirect(head: ClientRequestHead, routing: RouteCache, generation: Int, heldBody: ByteBuffer?) {
        guard let context else { return }
        let framing = UpstreamRequestEncoder.framing(head, heldLength: heldBody?.readableBytes)
        let target = head.target.hasPrefix("/") ? head.target : "/" + head.target
        // Room for a small body too: `UpstreamConnection` gathers it into the head's buffer.
        let length = heldBody?.readableBytes ?? head.contentLength ?? 0
        let body = length <= UpstreamConnection.gatherLimit ? length : 0
        let connection: UpstreamConnection
        if let direct {
            connection = direct
        } else {
            connection = UpstreamConnection(eventLoop: context.eventLoop, services: services, owner: self)
            direct = connection
        }
        var encoded = connection.headBuffer(minimumCapacity: 512 + head.fields.count * 48 + body)
        UpstreamRequestEncoder.writeHead(
            head, path: routing.basePath.isEmpty ? target : routing.basePath + target, host: upstreamAuthority,
            dropAcceptEncoding: routing.isLLMRoute, framing: framing, into: &encoded)
        pipe = nil
        directInFlight = heldBody == nil
        connection.start(encoded, chunked: framing == .chunked, isHEAD: head.isHEAD, to: routing,
                         generation: generation)
        if let heldBody {
            if heldBody.readableBytes > 0 { connection.writeBody(heldBody) }
            connection.endBody()
        }
    }

    // MARK: from the UpstreamConnection

    /// The upstream connection is ready to take the request body (the `100 Continue` moment).
    func upstreamReadyForBody() {
        sendContinue()
    }

    /// The upstream takes request bytes again: read the client again.
    func upstreamDrained() {
        resumeReading()
    }

    /// The end of one read from the upstream: what it gave is sent to the client now.
    func upstreamReadComplete() {
        flushClient()
    }

    /// Sends what was written to the client since the last flush.
    func flushClient() {
        guard clientFlushPending else { return }
        clientFlushPending = false
        sendGatheredResponse(flush: true)
    }

    // MARK: client channel events for the direct path

    /// Forward mode's end of a client read burst (raw mode's comes from `ClientBytesHandler`).
    func channelReadComplete(context: ChannelHandlerContext) {
        clientReadComplete()
        context.fireChannelReadComplete()
    }

    /// The end of a client read burst: the request bytes it brought go upstream now.
    func clientReadComplete() {
        direct?.flush()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { direct?.clientDrained() }
        context.fireChannelWritabilityChanged()
    }
}
