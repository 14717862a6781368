import NIOCore
import NIOHTTP1
import UnderstudyArchive
import UnderstudyWire

/// One mock connection: reads a whole request, asks the responder, writes the answer after the
/// configured latency, pacing stream parts at the token rate (or the recorded timing).
final class MockHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let responder: any MockResponder
    private let configuration: MockUpstreamConfiguration
    private let faults: MockFaultSelector?
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var tooLarge = false
    private var closed = false

    init(responder: any MockResponder, configuration: MockUpstreamConfiguration, faults: MockFaultSelector? = nil) {
        self.responder = responder
        self.configuration = configuration
        self.faults = faults
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = nil
            tooLarge = false
        case .body(var buffer):
            guard !tooLarge else { return }
            if (body?.readableBytes ?? 0) + buffer.readableBytes > configuration.maxBodyBytes {
                tooLarge = true
                body = nil
            } else if body == nil {
                body = buffer
            } else {
                body!.writeBuffer(&buffer)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let reply: MockReply
            if tooLarge {
                reply = MockReply(status: .payloadTooLarge, headers: ["content-length": "0"], parts: [], isStream: false)
            } else {
                let bytes = body.map { Array($0.readableBytesView) } ?? []
                let answer = responder.reply(method: head.method.rawValue, target: head.uri, headers: head.headers, body: bytes)
                if let fault = faults?.fault(for: head.headers) {
                    let fields = head.headers.map { HTTPHeaderField($0.name, $0.value) }
                    let provider = LLMEndpoint.classify(method: head.method.rawValue, target: head.uri, headers: fields, body: nil)?
                        .provider ?? .openai
                    reply = fault.apply(to: answer, provider: provider, settings: faults!.settings)
                } else {
                    reply = answer
                }
            }
            body = nil
            send(reply, keepAlive: head.isKeepAlive, version: head.version, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        context.fireChannelInactive()
    }

    private func send(_ reply: MockReply, keepAlive: Bool, version: HTTPVersion, context: ChannelHandlerContext) {
        var headers = reply.headers
        if !keepAlive { headers.replaceOrAdd(name: "connection", value: "close") }
        let responseHead = HTTPResponseHead(version: version, status: reply.status, headers: headers)
        let loop = context.eventLoop
        let delays = plan(reply)
        let bound = NIOLoopBound((self, context), eventLoop: loop)

        func finish() {
            let (handler, context) = bound.value
            guard !handler.closed else { return }
            let channel = context.channel
            switch reply.ending {
            case .complete:
                context.writeAndFlush(handler.wrapOutboundOut(.end(nil))).whenComplete { _ in
                    if !keepAlive { channel.close(promise: nil) }
                }
            case .hang:
                context.flush()
            case .reset:
                // SO_LINGER 0 makes close() send RST instead of FIN: the client sees a reset.
                context.flush()
                let abortive = NIOLinger(l_onoff: 1, l_linger: 0)
                let set = (channel as? any SocketOptionProvider)?.setSoLinger(abortive)
                    ?? channel.eventLoop.makeSucceededVoidFuture()
                set.whenComplete { _ in channel.close(promise: nil) }
            }
        }
        // delays[0] comes before the head, delays[k + 1] before part k.
        func writePart(_ index: Int) {
            guard index < reply.parts.count else { return finish() }
            let delay = index + 1 < delays.count ? delays[index + 1] : .zero
            if delay > .zero {
                loop.assumeIsolated().scheduleTask(in: delay) { emit(index) }
            } else {
                emit(index)
            }
        }
        func emit(_ index: Int) {
            let (handler, context) = bound.value
            guard !handler.closed else { return }
            let part = handler.wrapOutboundOut(.body(.byteBuffer(reply.parts[index])))
            if reply.isStream {
                context.writeAndFlush(part, promise: nil)
            } else {
                context.write(part, promise: nil)
            }
            writePart(index + 1)
        }
        func start() {
            let (handler, context) = bound.value
            guard !handler.closed else { return }
            if reply.isStream {
                context.writeAndFlush(handler.wrapOutboundOut(.head(responseHead)), promise: nil)
            } else {
                context.write(handler.wrapOutboundOut(.head(responseHead)), promise: nil)
            }
            writePart(0)
        }
        let first = delays.first ?? .zero
        if first > .zero { loop.assumeIsolated().scheduleTask(in: first) { start() } } else { start() }
    }

    /// Delay before the head, then before each part after the first.
    private func plan(_ reply: MockReply) -> [TimeAmount] {
        if let recorded = reply.recordedDelays {
            return recorded
        }
        let latency = TimeAmount.microseconds(Int64(configuration.latencyMs * 1000))
        guard reply.isStream, configuration.tokensPerSecond > 0, reply.parts.count > 1 else { return [latency] }
        let gap = TimeAmount.microseconds(Int64(reply.tokensPerPart / configuration.tokensPerSecond * 1_000_000))
        return [latency, .zero] + Array(repeating: gap, count: reply.parts.count - 1)
    }
}
