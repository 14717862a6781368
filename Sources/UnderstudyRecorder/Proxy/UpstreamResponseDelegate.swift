import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// Forward mode's upstream path (AsyncHTTPClient; reverse mode uses `UpstreamConnection`).
/// Receives the upstream response part by part and hands each to the connection handler on its
/// event loop. Returning the client write's future from `didReceiveBodyPart` is the back
/// pressure: a slow agent slows the upstream read, nothing piles up in memory.
final class UpstreamResponseDelegate: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = Void

    private let handler: NIOLoopBound<ProxyHandler>
    private let generation: Int
    private let eventLoop: any EventLoop

    init(handler: ProxyHandler, generation: Int, eventLoop: any EventLoop) {
        self.handler = NIOLoopBound(handler, eventLoop: eventLoop)
        self.generation = generation
        self.eventLoop = eventLoop
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        onLoop { $0.upstreamHead(head, generation: self.generation, promise: promise) }
        return promise.futureResult
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        onLoop { $0.upstreamBody(buffer, generation: self.generation, promise: promise) }
        return promise.futureResult
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        onLoop { $0.upstreamEnd(generation: self.generation) }
    }

    func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
        onLoop { $0.upstreamFailed(error, generation: self.generation) }
    }

    private func onLoop(_ body: @escaping @Sendable (ProxyHandler) -> Void) {
        if eventLoop.inEventLoop { return body(handler.value) }
        let handler = self.handler
        eventLoop.execute { body(handler.value) }
    }
}
