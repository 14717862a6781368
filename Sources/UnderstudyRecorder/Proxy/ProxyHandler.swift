import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import UnderstudyArchive
import UnderstudyWire

/// Serves one client connection of the reverse proxy: forwards each request to its upstream as
/// it arrives, streams the response back part by part (flushing each, so SSE events reach the
/// agent as they come), and hands the whole exchange to the recorder at the end. The decisions
/// are made by `ProxyConnectionStateMachine`; this class does the I/O.
///
/// Two ways in: raw mode (reverse proxy and `serve`), where `ClientBytesHandler` hands it the
/// client's bytes and `ClientRequestFramer` frames them (`+ClientBytes`) and responses go out as
/// bytes (`ClientResponseEncoder`); or NIO's HTTP/1.1 server codec in front (forward mode), where
/// requests arrive as `HTTPServerRequestPart`s and responses leave as parts (`+ClientWrites`).
final class ProxyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = Never
    typealias OutboundOut = HTTPServerResponsePart

    let services: ProxyServices
    var machine = ProxyConnectionStateMachine()
    var context: ChannelHandlerContext?
    private var clientAddress: String?
    // The request in flight.
    var captured: CapturedExchange?
    private var task: HTTPClient.Task<Void>?
    var pipe: RequestBodyPipe?
    /// The direct upstream path (reverse mode): this connection's own upstream connection, and
    /// whether the request in flight uses it (forward mode keeps AsyncHTTPClient).
    var direct: UpstreamConnection?
    var directInFlight = false
    /// `Expect: 100-continue` seen and no answer (100 or final) sent yet.
    var continueWanted = false
    /// A `read` held back while the request body pipe is full (see `read(context:)`).
    var readWithheld = false
    /// The response went out before `100 Continue`: close the connection after it.
    var closeAfterResponse = false
    var requestVersion = HTTPVersion.http1_1
    /// The request in flight is a HEAD (its response has no body).
    var requestIsHEAD = false
    /// Raw mode: frames the client's bytes (nil: NIO's codec in front, forward mode).
    var requestFramer: ClientRequestFramer?
    /// Raw mode: client bytes not framed yet (a pipelined request waits here for the response
    /// before it).
    var input = ByteBuffer()
    /// Raw mode: `drainInput` is running (a response that completes inside it must not re-enter).
    var draining = false
    /// Raw mode: the response body is chunk-framed here (its length is unknown, HTTP/1.1).
    var responseChunked = false
    private var upstreamName = ""
    private var upstreamURL = ""
    private(set) var upstreamAuthority = ""
    private var lastUpstream: Upstream?
    /// Reverse mode: the last request's classification and upstream (see `RouteCache`).
    private var routeCache: RouteCache?
    var responseHasLength = true
    /// The connection's header and idle timeouts, told directly when a request starts and ends
    /// (raw mode: given at init, driven by `ClientBytesHandler`; forward mode: those of the
    /// `ConnectionTimeoutHandler` before it).
    private var timeouts: ConnectionDeadlines?
    /// Response parts were written to the client without a flush (the direct path flushes once
    /// per upstream read, in `upstreamReadComplete`).
    var clientFlushPending = false
    /// Raw mode: bytes not handed to the channel yet — the response head and the small body
    /// pieces (chunk-framed when the answer is) gathered after it until the upstream read ends
    /// (see `writeResponseHead` and `ProxyHandler+ClientWrites`). Whatever gathers bytes here sets
    /// `clientFlushPending`, so held bytes always have a flush coming.
    var gatheredResponse: ByteBuffer?
    /// Raw mode: `ClientBytesHandler`'s context, next to the socket, which the gathered response
    /// is written from. NIO hands an outbound event to every context on its way, an inbound-only
    /// one too: written from this handler's own context, the answer passed `ClientBytesHandler`'s
    /// as well. Assumes the order `ReverseProxy.configure` sets: `ClientBytesHandler` first, this
    /// handler right behind it. Nil (forward mode): the answer is written from this handler's.
    var bytesContext: ChannelHandlerContext?
    /// Raw mode: the last response head buffer written, reused for the next (`ByteBuffer.recycled`).
    var responseScratch = ByteBuffer()
    // `serve`: an LLM request held until its body is complete, and the route header to send.
    var held: HeldRequest?
    var routeHeader: String?
    // Forward mode: the route of an intercepted connection, or of the next plain-HTTP request
    // (a user inbound event from ForwardConnectHandler); `route` is the current request's.
    private let connectionRoute: ForwardRoute?
    private var nextRoute: ForwardRoute?
    /// Forward mode (an intercepted connection, or a plain-HTTP request's route seen): reverse
    /// mode never reads the optional routes (each read copied one, a retain per string in it).
    private var hasForwardRoutes: Bool
    private var route: ForwardRoute?

    /// `raw`: the client's bytes come from `ClientBytesHandler` (no HTTP codec in the pipeline).
    init(services: ProxyServices, route: ForwardRoute? = nil, raw: Bool = false, deadlines: ConnectionDeadlines? = nil) {
        self.services = services
        timeouts = deadlines
        self.connectionRoute = route
        hasForwardRoutes = route != nil
        if raw { requestFramer = ClientRequestFramer(maxHeadBytes: services.configuration.maxHeaderBytes) }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if timeouts == nil {
            timeouts = (try? context.pipeline.syncOperations.handler(type: ConnectionTimeoutHandler.self))?.deadlines
        }
        if let address = context.channel.remoteAddress, let ip = address.ipAddress, let port = address.port {
            clientAddress = ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        timeouts = nil
        // Breaks the cycle with the upstream connection, which holds this handler strongly.
        direct?.detach()
        direct = nil
    }

    // MARK: client → proxy

    /// Forward mode: request parts from NIO's HTTP/1.1 server codec.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): requestHead(ClientRequestHead(head), context: context)
        case .body(let buffer): requestBody(buffer)
        case .end: requestEnd(context)
        }
    }

    func requestBody(_ buffer: ByteBuffer) {
        guard machine.requestBody() == .forward else { return }
        captured?.appendRequestBody(buffer)
        services.metrics.requestBytes.increment(by: Int64(buffer.readableBytes))
        if held != nil {
            held?.body.writeImmutableBuffer(buffer)
        } else if directInFlight {
            direct?.writeBody(buffer)
        } else {
            pipe?.write(buffer)
        }
    }

    func requestEnd(_ context: ChannelHandlerContext) {
        switch machine.requestEnd() {
        case .endUpstreamBody:
            if let held { consult(held) } else if directInFlight { direct?.endBody() } else { pipe?.finish() }
        case .responseAlreadyDone(let close): close ? context.close(promise: nil) : responseComplete(context)
        case .none: break
        }
    }

    func requestHead(_ head: ClientRequestHead, context: ChannelHandlerContext) {
        timeouts?.requestHeadReceived()
        guard case .startUpstream(let generation) = machine.requestHead(keepAlive: head.keepAlive) else {
            context.close(promise: nil)
            return
        }
        if hasForwardRoutes {
            route = nextRoute ?? connectionRoute
            nextRoute = nil
        }
        // Reverse mode: the same route as the last request on this connection is not classified
        // and looked up again (`RouteCache`). Its fields are used in place: copies of the
        // endpoint and `Upstream` out of it cost a retain and release per string in them.
        let routing: RouteCache
        if route == nil, let routeCache, routeCache.matches(head) {
            routing = routeCache
            routing.requests?.increment()
            beginRecord(head, endpoint: routing.endpoint)
        } else {
            let endpoint = LLMEndpoint.classify(method: head.method, target: head.target, headers: head.fields)
            services.metrics.request(provider: endpoint?.provider.rawValue)
            beginRecord(head, endpoint: endpoint)
            guard let upstream = route?.upstream ?? services.configuration.upstreams.route(endpoint) else {
                let message = "no upstream is configured for \(head.target); add --upstream default=URL"
                sendProxyError(status: .badGateway, type: "no_upstream", message: message, generation: generation,
                               outcome: .proxyError)
                return
            }
            if upstream != lastUpstream {
                // Built once per connection and upstream, not per request.
                lastUpstream = upstream
                upstreamName = upstream.name
                upstreamURL = upstream.baseURL
                upstreamAuthority = upstream.authority
            }
            // A hit implies `lastUpstream == routeCache.upstream`: the cache is set only here.
            routing = RouteCache(head, endpoint: endpoint, upstream: upstream,
                                 requests: route == nil
                                     ? services.metrics.requestCounter(provider: endpoint?.provider.rawValue) : nil)
            routeCache = route == nil ? routing : nil
        }
        captured!.capture.upstream = upstreamURL
        routeHeader = nil
        guard expectation(head, generation: generation) else { return }
        if services.answerer != nil, let endpoint = routing.endpoint, endpoint.api != .embeddings {
            held = HeldRequest(head: head, endpoint: endpoint, routing: routing, generation: generation,
                               body: context.channel.allocator.buffer(capacity: 0))
            // The proxy itself takes the whole body before deciding: the client may send it now.
            sendContinue()
            return
        }
        startUpstream(head: head, routing: routing, generation: generation, heldBody: nil)
    }

    /// The record of a request that starts now, built in place (a local moved into the property
    /// afterwards was copied: a retain per field).
    private func beginRecord(_ head: ClientRequestHead, endpoint: LLMEndpoint?) {
        services.metrics.inFlight.increment()
        requestVersion = head.version
        requestIsHEAD = head.isHEAD
        readWithheld = false
        captured = CapturedExchange(
            capture: Exchange.Capture(mode: route == nil ? .reverse : .forward, listener: services.listenerLabel,
                                      client: clientAddress),
            method: head.method, target: head.target, headers: head.fields,
            bodyLimit: services.configuration.bodyLimit)
        captured!.endpoint = endpoint
    }

    /// Sends the request upstream: its body streamed as it arrives, or the held body at once.
    /// `routing` (its upstream and endpoint) is passed as the object: copies of an `Upstream`
    /// out of it retained and released every string in it, per request.
    func startUpstream(head: ClientRequestHead, routing: RouteCache, generation: Int, heldBody: ByteBuffer?) {
        guard let context else { return }
        // Reverse mode (and `serve`): the direct path. Forward mode keeps AsyncHTTPClient, with
        // the forward proxy's trust roots and `--forward-resolve` overrides.
        guard let route else {
            startDirect(head: head, routing: routing, generation: generation, heldBody: heldBody)
            return
        }
        let upstream = routing.upstream
        let endpoint = routing.endpoint
        let headers = HopByHopHeaders.forUpstream(head, dropAcceptEncoding: endpoint != nil)
        var body: HTTPClient.Body?
        let length = head.contentLength.map { Int64($0) }
        let chunked = head.hasTransferEncoding
        if let heldBody {
            pipe = nil
            if heldBody.readableBytes > 0 || chunked || length != nil { body = .byteBuffer(heldBody) }
        } else if chunked || (length ?? 0) > 0 {
            let pipe = RequestBodyPipe(eventLoop: context.eventLoop)
            self.pipe = pipe
            connect(pipe)
            body = pipe.body(contentLength: chunked ? nil : length)
        } else {
            pipe = nil
        }
        do {
            let request = try HTTPClient.Request(
                url: upstream.url(for: head.target, baseURL: upstreamURL), method: HTTPMethod(rawValue: head.method),
                headers: headers, body: body)
            let delegate = UpstreamResponseDelegate(handler: self, generation: generation, eventLoop: context.eventLoop)
            // `.delegate(on:)`, not `.delegateAndChannel(on:)`: a required event loop makes
            // AsyncHTTPClient open an "overflow" connection whenever that loop has no idle one and
            // close it as soon as it is idle again, so under load nearly every request paid for a
            // new upstream TCP connection (measured: 10x fewer requests/s). Preferring the loop
            // keeps the pooled keep-alive connections, mostly on the same loop as the client.
            task = route.client.execute(
                request: request, delegate: delegate, eventLoop: .delegate(on: context.eventLoop), logger: nil)
        } catch {
            sendProxyError(status: .badRequest, type: "invalid_request",
                           message: "the request target cannot be sent upstream: \(error)", generation: generation,
                           outcome: .proxyError)
        }
    }

    // MARK: upstream → proxy → client

    /// The response head from the upstream. With a promise (AsyncHTTPClient's back pressure) the
    /// write is flushed at once; without (the direct path) it is flushed at the end of the
    /// upstream read (`upstreamReadComplete`), so a small answer leaves in one write.
    func upstreamHead(_ head: HTTPResponseHead, generation: Int, promise: EventLoopPromise<Void>?) {
        upstreamHead(status: Int(head.status.code), reason: head.status.reasonPhrase,
                     fields: HopByHopHeaders.fields(head.headers), generation: generation, promise: promise, at: .now())
    }

    /// The response head as the direct path's framer parsed it, from an upstream read at `now`.
    func upstreamHead(_ head: HTTP1Head, generation: Int, at now: NIODeadline) {
        upstreamHead(status: head.status ?? 502, reason: head.reason ?? "", fields: head.headers,
                     generation: generation, promise: nil, at: now)
    }

    private func upstreamHead(
        status: Int, reason: String, fields: [HTTPHeaderField], generation: Int, promise: EventLoopPromise<Void>?,
        at now: NIODeadline
    ) {
        guard context != nil, machine.upstreamHead(generation: generation) else {
            promise?.succeed()
            return
        }
        services.metrics.firstByte.recordNanoseconds((now - (captured?.startUptime ?? now)).nanoseconds)
        captured?.responseHead(status: status, headers: fields, at: now)
        var headers = HopByHopHeaders.forClient(fields)
        responseHasLength = HopByHopHeaders.contains("content-length", in: headers)
        if requestVersion == .http1_0 {
            if case .active(let request) = machine.state, request.keepAlive, responseHasLength {
                HopByHopHeaders.replaceOrAdd("connection", "keep-alive", in: &headers)
            }
        } else if case .active(let request) = machine.state, !request.keepAlive {
            HopByHopHeaders.replaceOrAdd("connection", "close", in: &headers)
        }
        if let routeHeader { HopByHopHeaders.replaceOrAdd("x-understudy-route", routeHeader, in: &headers) }
        if finalResponseBeforeContinue() { HopByHopHeaders.replaceOrAdd("connection", "close", in: &headers) }
        writeResponseHead(status: status, reason: reason, fields: headers, promise: promise)
    }

    /// A piece of the response body; `now`: when the read that brought it arrived (the direct
    /// path takes the time once per upstream read, not once per piece: a stream's events come
    /// several per read, and each clock read showed in its profile).
    func upstreamBody(_ buffer: ByteBuffer, generation: Int, promise: EventLoopPromise<Void>?, at now: NIODeadline = .now()) {
        guard context != nil, machine.isCurrent(generation) else {
            promise?.succeed()
            return
        }
        captured?.appendResponseBody(buffer, at: now)
        services.metrics.responseBytes.increment(by: Int64(buffer.readableBytes))
        writeResponseBody(buffer, promise: promise)
    }

    func upstreamEnd(generation: Int, at now: NIODeadline = .now()) {
        guard let context else { return }
        // HTTP/1.0 without a length ends the body by closing; so does a response that came before
        // the `100 Continue` the client waits for (its body will never be sent on this connection).
        let closeAfter = requestVersion == .http1_0 && !responseHasLength || closeAfterResponse
        switch machine.upstreamEnd(generation: generation) {
        case .ignore: break
        case .finish(let close):
            // Taken out, not copied: the record is handed on as it is (a copy retained every field).
            if var captured = captured.take() {
                let status = captured.status ?? 0
                if status >= 400 {
                    captured.finish(.upstreamError, error: "upstream answered \(status)", at: now)
                    if status >= 500 { services.metrics.upstreamError("status_5xx") }
                } else {
                    captured.finish(.ok, at: now)
                }
                record(consume captured)
            }
            if close || closeAfter {
                closeAfterResponse = false
                clientFlushPending = false
                let written = context.eventLoop.makePromise(of: Void.self)
                written.futureResult.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
                writeResponseEnd(flush: true, promise: written)
            } else {
                // The end is the last the upstream read brings for this response: flushed now,
                // so a gathered answer leaves by one writeAndFlush (the read's `flushClient`
                // then finds nothing to flush).
                writeResponseEnd(flush: true, promise: nil)
            }
            if !(close || closeAfter), case .idle = machine.state {
                responseComplete(context)
            }
        }
    }

    func upstreamFailed(_ error: any Error, generation: Int) {
        guard context != nil else { return }
        let failure = UpstreamFailure(error)
        let action = machine.upstreamError(generation: generation)
        if action != .ignore {
            services.metrics.upstreamError(failure.kind)
            services.logger.warning("upstream request failed", metadata: [
                "upstream": "\(upstreamName)", "kind": "\(failure.kind)", "error": "\(failure.summary)",
            ])
        }
        switch action {
        case .ignore: break
        case .sendErrorResponse(let close):
            let message = "understudy: upstream \(upstreamName) (\(upstreamURL)) \(failure.summary)"
            writeErrorResponse(status: failure.status, type: failure.type, message: message, close: close)
            finishRecord(.upstreamError, error: message)
        case .closeConnection:
            finishRecord(.upstreamError, error: "upstream \(upstreamName) failed mid-response: \(failure.summary)")
            context?.close(promise: nil)
        }
    }

    // MARK: connection events

    func channelInactive(context: ChannelHandlerContext) {
        direct?.detach()
        if case .abortUpstream = machine.channelInactive() {
            task?.cancel()
            pipe?.fail(ChannelError.ioOnClosedChannel)
            if captured?.streamEndedByTerminalEvent == true {
                finishRecord(.ok, error: nil)
            } else {
                services.metrics.clientAborts.increment()
                finishRecord(.clientAborted, error: "the client closed the connection before the response was complete")
            }
        }
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let route = event as? ForwardRoute {
            nextRoute = route
            hasForwardRoutes = true
            return
        }
        if event is ReverseProxy.ShutdownEvent {
            if machine.shutdownRequested() == .closeNow { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Protocol errors were answered by ProxyProtocolErrorHandler; anything else ends the
        // connection, which channelInactive turns into an aborted record if a request was active.
        context.close(promise: nil)
    }

    // MARK: helpers

    private func responseComplete(_ context: ChannelHandlerContext) {
        timeouts?.responseCompleted()
        if machine.closeRequested, case .idle = machine.state {
            flushClient()
            context.close(promise: nil)
            return
        }
        // Raw mode: a pipelined request that waited for this response goes now.
        if requestFramer != nil, input.readableBytes > 0 { drainInput() }
    }

    func sendProxyError(
        status: HTTPResponseStatus, type: String, message: String, generation: Int, outcome: Exchange.Outcome
    ) {
        guard case .sendErrorResponse(let close) = machine.upstreamError(generation: generation) else { return }
        writeErrorResponse(status: status, type: type, message: message, close: close)
        finishRecord(outcome, error: message)
    }

    private func writeErrorResponse(status: HTTPResponseStatus, type: String, message: String, close: Bool) {
        guard let context else { return }
        var body: [UInt8] = []
        let error: JSONValue = ["error": ["message": .string(message), "type": .string(type), "code": .int(Int(status.code))]]
        error.write(to: &body)
        var headers = [HTTPHeaderField("content-type", "application/json"), HTTPHeaderField("content-length", String(body.count))]
        let close = close || finalResponseBeforeContinue()
        if close { headers.append(HTTPHeaderField("connection", "close")) }
        let buffer = context.channel.allocator.buffer(bytes: body)
        captured?.responseHead(status: Int(status.code), headers: headers)
        captured?.appendResponseBody(buffer)
        writeResponseHead(status: Int(status.code), reason: status.reasonPhrase, fields: headers, promise: nil)
        writeResponseBody(buffer, promise: nil)
        if close {
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
            writeResponseEnd(flush: true, promise: written)
            closeAfterResponse = false
        } else {
            writeResponseEnd(flush: true, promise: nil)
            if case .idle = machine.state { responseComplete(context) }
        }
    }

    private func finishRecord(_ outcome: Exchange.Outcome, error: String?) {
        guard var captured = captured.take() else { return }
        captured.finish(outcome, error: error)
        record(consume captured)
    }

    private func record(_ captured: consuming CapturedExchange) {
        self.captured = nil
        task = nil
        pipe = nil
        directInFlight = false
        // A read held back for the body pipe: the rest of the body is now read and discarded.
        if readWithheld {
            readWithheld = false
            context?.read()
        }
        services.metrics.inFlight.decrement()
        if let end = captured.endMs { services.metrics.total.recordNanoseconds(Int64(end * 1_000_000)) }
        // A plain-HTTP forward request to a host off the allowlist is relayed, never recorded.
        if route?.record == false { return }
        services.recorder.submit(consume captured)
    }
}
