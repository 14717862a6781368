import NIOCore
import NIOHTTP1
import UnderstudyArchive

/// Answers requests NIO's decoder rejects and closes their connection: 431 for headers larger
/// than the limit, 400 for anything else malformed. Other connections are not affected.
/// (NIO's own `HTTPServerProtocolErrorHandler` answers 400 to everything.)
public final class ProxyProtocolErrorHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPServerRequestPart
    public typealias InboundOut = HTTPServerRequestPart
    public typealias OutboundIn = HTTPServerResponsePart
    public typealias OutboundOut = HTTPServerResponsePart

    private var responseInProgress = false
    private let onBadRequest: @Sendable (Int) -> Void

    public init(onBadRequest: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.onBadRequest = onBadRequest
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError || error is ByteToMessageDecoderError else {
            context.fireErrorCaught(error)
            return
        }
        let overflow = (error as? HTTPParserError) == .headerOverflow
        let status: HTTPResponseStatus = overflow ? .requestHeaderFieldsTooLarge : .badRequest
        onBadRequest(Int(status.code))
        if !responseInProgress {
            let text = Self.body(for: status)
            var headers = HTTPHeaders()
            headers.add(name: "connection", value: "close")
            headers.add(name: "content-type", value: "application/json")
            headers.add(name: "content-length", value: String(text.utf8.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
                          promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
            responseInProgress = true
        } else {
            context.close(promise: nil)
        }
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head): if head.status.code >= 200 { responseInProgress = true }  // not for 100 Continue
        case .end: responseInProgress = false
        case .body: break
        }
        context.write(data, promise: promise)
    }

    /// The JSON error body for 431 and 400.
    static func body(for status: HTTPResponseStatus) -> String {
        status == .requestHeaderFieldsTooLarge
            ? #"{"error":{"message":"understudy: request headers are too large","type":"headers_too_large","code":431}}"#
            : #"{"error":{"message":"understudy: malformed HTTP request","type":"bad_request","code":400}}"#
    }

    /// The whole answer as bytes, for the proxy's raw mode (no HTTP codec in its pipeline).
    static func rawAnswer(status: HTTPResponseStatus, allocator: ByteBufferAllocator) -> ByteBuffer {
        let text = body(for: status)
        let fields = [
            HTTPHeaderField("connection", "close"), HTTPHeaderField("content-type", "application/json"),
            HTTPHeaderField("content-length", String(text.utf8.count)),
        ]
        var buffer = allocator.buffer(capacity: 128 + text.utf8.count)
        ClientResponseEncoder.writeHead(
            version: .http1_1, status: Int(status.code), reason: status.reasonPhrase, fields: fields, chunked: false,
            into: &buffer)
        buffer.writeString(text)
        return buffer
    }
}
