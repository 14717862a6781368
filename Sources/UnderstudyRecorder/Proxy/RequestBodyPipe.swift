import AsyncHTTPClient
import NIOCore

/// Carries the client's request body into AsyncHTTPClient's streaming body as it arrives.
/// Parts that come before the upstream connection is ready wait here. Confined to the
/// connection's event loop (the upstream channel runs on the same loop).
final class RequestBodyPipe: @unchecked Sendable {
    private let eventLoop: any EventLoop
    private var writer: HTTPClient.Body.StreamWriter?
    private var pending: [ByteBuffer] = []
    private var ended = false
    private var failure: (any Error)?
    private var done: EventLoopPromise<Void>?

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// The body for the upstream request.
    func body(contentLength: Int64?) -> HTTPClient.Body {
        .stream(contentLength: contentLength) { [self] writer in
            if eventLoop.inEventLoop { return attach(writer) }
            return eventLoop.flatSubmit { self.attach(writer) }
        }
    }

    private func attach(_ writer: HTTPClient.Body.StreamWriter) -> EventLoopFuture<Void> {
        self.writer = writer
        for part in pending { _ = writer.write(.byteBuffer(part)) }
        pending = []
        if let failure { return eventLoop.makeFailedFuture(failure) }
        if ended { return eventLoop.makeSucceededVoidFuture() }
        let promise = eventLoop.makePromise(of: Void.self)
        done = promise
        return promise.futureResult
    }

    func write(_ buffer: ByteBuffer) {
        if let writer { _ = writer.write(.byteBuffer(buffer)) } else { pending.append(buffer) }
    }

    func finish() {
        ended = true
        done?.succeed()
        done = nil
    }

    func fail(_ error: any Error) {
        failure = error
        pending = []
        done?.fail(error)
        done = nil
    }
}
