import AsyncHTTPClient
import NIOCore

/// Carries the client's request body into AsyncHTTPClient's streaming body as it arrives.
/// Parts that come before the upstream connection is ready wait here. Confined to the
/// connection's event loop (the delegate's loop; AsyncHTTPClient hops to the upstream channel).
///
/// Back pressure: `isFull` turns true while AsyncHTTPClient holds a write back (the upstream
/// socket is not writable) or while more than `pendingLimit` bytes wait for the connection; the
/// handler then stops reading from the client, and `onDrained` tells it to read again. So a slow
/// upstream slows the agent's upload instead of filling the proxy's memory.
final class RequestBodyPipe: @unchecked Sendable {
    private let eventLoop: any EventLoop
    private let pendingLimit: Int
    private var writer: HTTPClient.Body.StreamWriter?
    private var pending: [ByteBuffer] = []
    private var pendingBytes = 0
    /// Writes handed to AsyncHTTPClient whose futures have not completed yet.
    private var unfinishedWrites = 0
    private var ended = false
    private var failure: (any Error)?
    private var done: EventLoopPromise<Void>?
    /// Called once when the upstream is ready to take the body (the `100 Continue` moment).
    var onAttach: (() -> Void)?
    /// Called when the pipe was full and has room again.
    var onDrained: (() -> Void)?

    init(eventLoop: any EventLoop, pendingLimit: Int = 256 * 1024) {
        self.eventLoop = eventLoop
        self.pendingLimit = pendingLimit
    }

    /// Whether the handler should stop reading the client until `onDrained`.
    var isFull: Bool {
        failure == nil && (unfinishedWrites > 0 || pendingBytes > pendingLimit)
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
        let wasFull = isFull
        let parts = pending
        pending = []
        pendingBytes = 0
        for part in parts { send(part, on: writer) }
        onAttach?()
        onAttach = nil
        if wasFull && !isFull { onDrained?() }
        if let failure { return eventLoop.makeFailedFuture(failure) }
        if ended { return eventLoop.makeSucceededVoidFuture() }
        let promise = eventLoop.makePromise(of: Void.self)
        done = promise
        return promise.futureResult
    }

    func write(_ buffer: ByteBuffer) {
        guard failure == nil else { return }
        if let writer {
            send(buffer, on: writer)
        } else {
            pending.append(buffer)
            pendingBytes += buffer.readableBytes
        }
    }

    private func send(_ buffer: ByteBuffer, on writer: HTTPClient.Body.StreamWriter) {
        unfinishedWrites += 1
        // AsyncHTTPClient answers a write with a future that stays open while the upstream
        // socket is not writable; an already succeeded one calls back at once.
        writer.write(.byteBuffer(buffer)).hop(to: eventLoop).whenComplete { [self] _ in
            unfinishedWrites -= 1
            if unfinishedWrites == 0 { onDrained?() }
        }
    }

    func finish() {
        ended = true
        done?.succeed()
        done = nil
    }

    func fail(_ error: any Error) {
        failure = error
        pending = []
        pendingBytes = 0
        onAttach = nil
        done?.fail(error)
        done = nil
        onDrained?()
        onDrained = nil
    }
}
