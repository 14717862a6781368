/// The life of one client connection of the reverse proxy, as a state machine that does no I/O:
/// the channel handler reports what happened and carries out the action it gets back.
///
/// One request is in flight at a time (pipelined requests are held back: unparsed in the
/// handler's input in raw mode, by NIO's pipelining handler in forward mode).
/// Upstream callbacks carry the generation of the request they belong to, so late callbacks of
/// a cancelled request are ignored.
public struct ProxyConnectionStateMachine {
    public init() {}

    public enum State: Equatable {
        /// Waiting for a request head.
        case idle
        /// A request is in flight.
        case active(Request)
        /// The response is complete but the client is still sending the request body; it is
        /// read and discarded, then the connection is reused (or closed).
        case discardingRequestBody(keepAlive: Bool)
        case closed
    }

    public struct Request: Equatable {
        public var generation: Int
        public var keepAlive: Bool
        public var requestEnded = false
        public var responseStarted = false
    }

    public private(set) var state: State = .idle
    private var generation = 0
    /// Set by a graceful shutdown: finish the current response, then close.
    public private(set) var closeRequested = false

    public enum HeadAction: Equatable {
        case startUpstream(generation: Int)
        /// A request head while one is in flight: the client broke HTTP; close.
        case close
    }

    public mutating func requestHead(keepAlive: Bool) -> HeadAction {
        guard case .idle = state else {
            state = .closed
            return .close
        }
        generation += 1
        state = .active(Request(generation: generation, keepAlive: keepAlive && !closeRequested))
        return .startUpstream(generation: generation)
    }

    public enum BodyAction: Equatable { case forward, discard }

    public mutating func requestBody() -> BodyAction {
        if case .active(let request) = state, !request.requestEnded { return .forward }
        return .discard
    }

    public enum RequestEndAction: Equatable {
        case endUpstreamBody
        case none
        /// The request ended after its response: reuse the connection, or close it.
        case responseAlreadyDone(close: Bool)
    }

    public mutating func requestEnd() -> RequestEndAction {
        switch state {
        case .active(var request):
            request.requestEnded = true
            state = .active(request)
            return .endUpstreamBody
        case .discardingRequestBody(let keepAlive):
            let close = !keepAlive || closeRequested
            state = close ? .closed : .idle
            return .responseAlreadyDone(close: close)
        case .idle, .closed:
            return .none
        }
    }

    /// Whether an upstream event for `generation` belongs to the request in flight.
    public func isCurrent(_ generation: Int) -> Bool {
        if case .active(let request) = state { return request.generation == generation }
        return false
    }

    /// The upstream answered with a head; returns false for stale callbacks.
    public mutating func upstreamHead(generation: Int) -> Bool {
        guard case .active(var request) = state, request.generation == generation else { return false }
        request.responseStarted = true
        state = .active(request)
        return true
    }

    public enum ResponseEndAction: Equatable {
        case ignore
        /// Write the end of the response; close afterwards or not.
        case finish(close: Bool)
    }

    public mutating func upstreamEnd(generation: Int) -> ResponseEndAction {
        guard case .active(let request) = state, request.generation == generation else { return .ignore }
        let keepAlive = request.keepAlive && !closeRequested
        if !request.requestEnded {
            state = .discardingRequestBody(keepAlive: keepAlive)
            return .finish(close: false)
        }
        state = keepAlive ? .idle : .closed
        return .finish(close: !keepAlive)
    }

    public enum UpstreamErrorAction: Equatable {
        case ignore
        /// Nothing was sent yet: answer with a proxy error response (502/504), then maybe close.
        case sendErrorResponse(close: Bool)
        /// Part of the response is out: the only faithful signal left is closing the connection.
        case closeConnection
    }

    public mutating func upstreamError(generation: Int) -> UpstreamErrorAction {
        guard case .active(let request) = state, request.generation == generation else { return .ignore }
        if request.responseStarted {
            state = .closed
            return .closeConnection
        }
        let keepAlive = request.keepAlive && request.requestEnded && !closeRequested
        state = keepAlive ? .idle : (request.requestEnded ? .closed : .discardingRequestBody(keepAlive: false))
        return .sendErrorResponse(close: !keepAlive && request.requestEnded)
    }

    public enum InactiveAction: Equatable {
        case none
        /// The client went away mid-request: cancel the upstream call, record `client_aborted`.
        case abortUpstream(generation: Int)
    }

    public mutating func channelInactive() -> InactiveAction {
        defer { state = .closed }
        if case .active(let request) = state { return .abortUpstream(generation: request.generation) }
        return .none
    }

    public enum ShutdownAction: Equatable { case closeNow, closeAfterResponse }

    /// A graceful shutdown began: idle connections close now, busy ones after their response.
    public mutating func shutdownRequested() -> ShutdownAction {
        closeRequested = true
        switch state {
        case .idle, .closed:
            state = .closed
            return .closeNow
        case .active, .discardingRequestBody:
            return .closeAfterResponse
        }
    }
}
