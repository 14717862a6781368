import NIOCore
import NIOHTTP1
import UnderstudyWire

/// Reverse mode's upstream path: the request goes out on this connection's own `UpstreamConnection`
/// (same event loop, kept alive across requests), its response parts come back synchronously.
extension ProxyHandler {
    func startDirect(
        head: HTTPRequestHead, upstream: Upstream, endpoint: LLMEndpoint?, generation: Int, heldBody: ByteBuffer?
    ) {
        guard let context else { return }
        var headers = HopByHopHeaders.forUpstream(
            head.headers, dropAcceptEncoding: endpoint != nil, host: upstream.authority)
        let chunked = head.headers.contains(name: "transfer-encoding")
        if let heldBody {
            // The whole body is here: send it with its length.
            headers.remove(name: "content-length")
            if heldBody.readableBytes > 0 || chunked || head.headers.contains(name: "content-length") {
                headers.add(name: "content-length", value: String(heldBody.readableBytes))
            }
        } else if chunked && !headers.contains(name: "content-length") {
            // Transfer-Encoding is hop-by-hop; NIO's encoder re-chunks the body as it streams.
            headers.add(name: "transfer-encoding", value: "chunked")
        }
        let target = head.uri.hasPrefix("/") ? head.uri : "/" + head.uri
        let request = HTTPRequestHead(
            version: .http1_1, method: head.method, uri: upstream.basePath + target, headers: headers)
        let connection: UpstreamConnection
        if let direct {
            connection = direct
        } else {
            connection = UpstreamConnection(eventLoop: context.eventLoop, services: services, owner: self)
            direct = connection
        }
        pipe = nil
        directInFlight = heldBody == nil
        connection.start(request, to: upstream, generation: generation)
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
        context?.flush()
    }

    // MARK: client channel events for the direct path

    func channelReadComplete(context: ChannelHandlerContext) {
        direct?.flush()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { direct?.clientDrained() }
        context.fireChannelWritabilityChanged()
    }
}
