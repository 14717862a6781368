import NIOCore
import NIOHTTP1

/// The request body's way upstream: `Expect: 100-continue` and back pressure.
///
/// The proxy answers `Expect: 100-continue` itself (RFC 9110 §10.1.1): it sends `100 Continue`
/// once the upstream is ready to take the body, so an agent uploading a large body does not wait
/// out its client's expect timeout, and an unreachable upstream gets its 502 before the body is
/// sent. The `Expect` field is not forwarded (AsyncHTTPClient streams the body at once anyway).
///
/// Back pressure: while the body pipe is full (upstream socket not writable, or the upstream
/// connection not ready), `readOrWithhold` holds reads back (NIO's in `read`, and in raw mode the
/// one `ClientBytesHandler.channelReadComplete` asks for); so the kernel's buffers fill and the agent's upload slows to the
/// upstream's pace; the proxy never buffers an unbounded body. `resumeReading` reads again.
extension ProxyHandler {
    /// Checks the request's `Expect` field; answers 417 (and returns false) for an expectation
    /// the proxy cannot meet.
    func expectation(_ head: ClientRequestHead, generation: Int) -> Bool {
        continueWanted = false
        closeAfterResponse = false
        guard let value = head.expect else { return true }
        // HTTP/1.0 clients cannot mean it (RFC 9110 §10.1.1: ignore it).
        guard head.version.major == 1, head.version.minor >= 1 else { return true }
        guard value.lowercased() == "100-continue" else {
            sendProxyError(status: .expectationFailed, type: "expectation_failed",
                           message: "understudy: unsupported Expect: \(value)", generation: generation,
                           outcome: .proxyError)
            return false
        }
        continueWanted = true
        return true
    }

    /// Tells the client to send its body, once, unless a final response went out already.
    func sendContinue() {
        guard continueWanted, context != nil else { return }
        continueWanted = false
        guard case .active(let request) = machine.state, !request.responseStarted, !request.requestEnded else { return }
        writeContinue()
    }

    /// Called when a final response starts: true when the client still waits for `100 Continue`
    /// with its body unsent, in which case the connection must close after the response (the
    /// client may send the body or not; either way the framing is lost).
    func finalResponseBeforeContinue() -> Bool {
        defer { continueWanted = false }
        guard continueWanted, case .active(let request) = machine.state, !request.requestEnded else {
            return false
        }
        closeAfterResponse = true
        return true
    }

    /// Wires the body pipe to the connection: `100 Continue` when the upstream takes the body,
    /// reading resumed when the pipe drains.
    func connect(_ pipe: RequestBodyPipe) {
        pipe.onAttach = { [weak self] in self?.sendContinue() }
        pipe.onDrained = { [weak self, weak pipe] in
            guard let self, let pipe, self.pipe === pipe else { return }
            self.resumeReading()
        }
    }

    func read(context: ChannelHandlerContext) {
        readOrWithhold(from: context)
    }

    /// Asks `context` for the next client read, or, while the client is not to be read, marks the
    /// read withheld so `resumeReading` asks for it later. NIO's own read request comes here
    /// (`read`); raw mode also calls it at the end of each read burst from `ClientBytesHandler`'s
    /// context, next to the socket (which does not depend on autoRead being on).
    func readOrWithhold(from context: ChannelHandlerContext) {
        if bodyPathFull {
            readWithheld = true
            return
        }
        context.read()
    }

    /// Whether the client is not to be read now: the request body's way upstream (pipe or direct
    /// connection) takes no more, or a pipelined request waits for the response before it.
    private var bodyPathFull: Bool {
        if pipelinedInputWaiting { return true }
        if directInFlight { return direct?.isFull == true }
        return pipe?.isFull == true
    }

    func resumeReading() {
        guard readWithheld, let context, !bodyPathFull else { return }
        readWithheld = false
        context.read()
    }
}
