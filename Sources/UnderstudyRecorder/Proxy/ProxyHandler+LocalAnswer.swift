import NIOCore
import NIOHTTP1
import UnderstudyArchive
import UnderstudyWire

/// An LLM request held by `serve` until its body is complete.
struct HeldRequest: Sendable {
    var head: ClientRequestHead
    var endpoint: LLMEndpoint
    /// Its upstream and endpoint.
    var routing: RouteCache
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
            endpoint: held.endpoint, method: held.head.method, target: held.head.target,
            headers: held.head.fields, body: Array(held.body.readableBytesView))
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
            startUpstream(head: held.head, routing: held.routing, generation: held.generation, heldBody: held.body)
        case .answer(let response):
            answerLocally(response, generation: held.generation)
        }
    }

    private func answerLocally(_ response: LocalResponse, generation: Int) {
        guard let context, machine.upstreamHead(generation: generation) else { return }
        captured?.route = response.route
        var headers = response.headers
        HopByHopHeaders.replaceOrAdd("x-understudy-route", response.header, in: &headers)
        let isStream = SSEParser.isEventStream(response.headers)
        if !isStream {
            HopByHopHeaders.replaceOrAdd("content-length", String(response.chunks.reduce(0) { $0 + $1.count }), in: &headers)
        }
        responseHasLength = !isStream
        if requestVersion == .http1_0 {
            if case .active(let request) = machine.state, request.keepAlive, responseHasLength {
                HopByHopHeaders.replaceOrAdd("connection", "keep-alive", in: &headers)
            }
        } else if case .active(let request) = machine.state, !request.keepAlive {
            HopByHopHeaders.replaceOrAdd("connection", "close", in: &headers)
        }
        captured?.responseHead(status: response.status, headers: headers)
        writeResponseHead(status: response.status, reason: HTTPResponseStatus(statusCode: response.status).reasonPhrase,
                          fields: headers, promise: nil)
        for chunk in response.chunks where !chunk.isEmpty {
            let buffer = context.channel.allocator.buffer(bytes: chunk)
            captured?.appendResponseBody(buffer)
            writeResponseBody(buffer, promise: nil)
            flushClient()
        }
        upstreamEnd(generation: generation)
        // Not the end of an upstream read: nothing else flushes what upstreamEnd wrote.
        flushClient()
    }
}
