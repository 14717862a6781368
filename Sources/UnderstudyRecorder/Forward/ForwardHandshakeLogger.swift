import Logging
import NIOCore

/// Sits right after the TLS server handler of an intercepted connection and says clearly in the
/// log when the client's handshake fails — almost always a client that does not trust
/// Understudy's CA. Nothing is recorded for such a connection: no request ever gets through.
final class ForwardHandshakeLogger: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let host: String
    private let logger: Logger
    private var handshakeDone = false

    init(host: String, logger: Logger) {
        self.host = host
        self.logger = logger
    }

    /// Decrypted bytes mean the handshake succeeded: nothing more to watch.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        handshakeDone = true
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !handshakeDone {
            handshakeDone = true
            logger.warning(
                "forward: TLS handshake with the client failed; does it trust Understudy's CA? (understudy ca show; SSL_CERT_FILE, REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS)",
                metadata: [
                    "host": "\(host)", "client": "\(context.channel.remoteAddress.map { "\($0)" } ?? "?")",
                    "error": "\(error)",
                ])
        }
        context.fireErrorCaught(error)
    }
}
