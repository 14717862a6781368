import NIOCore
import NIOHTTP1
import UnderstudyArchive
import UnderstudyWire

/// An LLM request held by `serve` until its body is complete.
struct HeldRequest: Sendable {
    var head: HTTPRequestHead
    var endpoint: LLMEndpoint
    var upstream: Upstream
    var generation: Int
    var body: ByteBuffer
}

/// `serve`'s path through the proxy: offer the complete request to the `LocalAnswerer`, then
/// either forward it upstream (the `record` path, with the held body) or write the local answer.
/// The state machine sees a local answer as an upstream response, so keep-alive, shutdown and
/// client aborts behave the same, and the exchange is recorded the same way.
extension ProxyHandler {
    func consult(_ held: HeldRequest) {
        self.held = nil
        guard let answerer = services.answerer, let context else { return }
        let request = LocalAnswerRequest(
            endpoint: held.endpoint, method: held.head.method.rawValue, target: held.head.uri,
            headers: HopByHopHeaders.fields(held.head.headers), body: Array(held.body.readableBytesView))
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.makeFutureWithTask { await answerer.decide(request) }.whenSuccess { decision in
            handler.value.decided(decision, held: held)
        }
    }

    private func decided(_ decision: LocalDecision, held: HeldRequest) {
        // The client may have gone away (or the proxy shut down) while the answerer thought.
        guard context != nil, machine.isCurrent(held.generation) else { return }
        switch decision {
        case .forwardUpstream(let route, let header):
            captured?.route = route
            routeHeader = header
            startUpstream(
                head: held.head, upstream: held.upstream, endpoint: held.endpoint, generation: held.generation,
                heldBody: held.body)
        case .answer(let response):
            answerLocally(response, generation: held.generation)
        }
    }

    private func answerLocally(_ response: LocalResponse, generation: Int) {
        guard let context, machine.upstreamHead(generation: generation) else { return }
        captured?.route = response.route
        var headers = HTTPHeaders()
        for field in response.headers { headers.add(name: field.name, value: field.value) }
        headers.replaceOrAdd(name: "x-understudy-route", value: response.header)
        let isStream = SSEParser.isEventStream(response.headers)
        if !isStream { headers.replaceOrAdd(name: "content-length", value: String(response.chunks.reduce(0) { $0 + $1.count })) }
        responseHasLength = !isStream
        if requestVersion == .http1_0 {
            if case .active(let request) = machine.state, request.keepAlive, responseHasLength {
                headers.replaceOrAdd(name: "connection", value: "keep-alive")
            }
        } else if case .active(let request) = machine.state, !request.keepAlive {
            headers.replaceOrAdd(name: "connection", value: "close")
        }
        captured?.responseHead(status: response.status, headers: HopByHopHeaders.fields(headers))
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: requestVersion, status: status, headers: headers))),
                      promise: nil)
        for chunk in response.chunks where !chunk.isEmpty {
            let buffer = context.channel.allocator.buffer(bytes: chunk)
            captured?.appendResponseBody(buffer)
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        upstreamEnd(generation: generation)
        // Not the end of an upstream read: nothing else flushes what upstreamEnd wrote.
        flushClient()
    }
}
