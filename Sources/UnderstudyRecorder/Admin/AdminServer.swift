import NIOCore
import NIOHTTP1
import NIOPosix
import UnderstudyArchive

/// The admin listener, separate from the proxy port so scrapes never mix with agent traffic:
/// `GET /metrics` (Prometheus text format) and `GET /healthz`.
///
/// ```swift
/// let admin = try await AdminServer.start(at: ListenAddress(host: "127.0.0.1", port: 9090),
///                                         metrics: metrics, group: proxy.group)
/// try await admin.close()
/// ```
public final class AdminServer: Sendable {
    private let channel: any Channel
    /// The bound address (useful with port 0).
    public let address: ListenAddress

    private init(channel: any Channel, address: ListenAddress) {
        self.channel = channel
        self.address = address
    }

    public static func start(
        at address: ListenAddress, metrics: RecorderMetrics, group: any EventLoopGroup,
        routes: (any AdminRoutes)? = nil
    ) async throws -> AdminServer {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(AdminHandler(metrics: metrics, routes: routes))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: address.host, port: address.port).get()
            return AdminServer(
                channel: channel, address: ListenAddress(host: address.host, port: channel.localAddress?.port ?? address.port))
        } catch {
            throw RecorderError("cannot listen for the admin endpoint on \(address): \(error)")
        }
    }

    public func close() async throws {
        try await channel.close()
    }
}

final class AdminHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let metrics: RecorderMetrics
    private let routes: (any AdminRoutes)?
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(metrics: RecorderMetrics, routes: (any AdminRoutes)? = nil) {
        self.metrics = metrics
        self.routes = routes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body(let buffer): if body.count < 1 << 20 { body += buffer.readableBytesView }
        case .end:
            guard let head else { return }
            self.head = nil
            let requestBody = self.body
            self.body = []
            let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
            let extra = routes?.respond(method: head.method.rawValue, path: path,
                                        headers: head.headers.map { HTTPHeaderField($0.name, $0.value) }, body: requestBody)
            let (status, type, body): (HTTPResponseStatus, String, [UInt8]) =
                if let extra { (HTTPResponseStatus(statusCode: extra.status), extra.contentType, extra.body) } else {
                switch (head.method, path) {
                case (.GET, "/metrics"): (.ok, "text/plain; version=0.0.4; charset=utf-8", metrics.exposition())
                case (.GET, "/healthz"): (.ok, "text/plain", Array("ok\n".utf8))
                default: (.notFound, "text/plain", Array("not found: try /metrics or /healthz\n".utf8))
                }
                }
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: type)
            headers.add(name: "content-length", value: String(body.count))
            if !head.isKeepAlive { headers.add(name: "connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                          promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            let keepAlive = head.isKeepAlive
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if !keepAlive { channel.close(promise: nil) }
            }
        }
    }
}

/// More admin endpoints, from the command that runs the proxy (`serve`'s `/admin/policies`).
/// `respond` answers the requests it owns and returns nil for the others.
public protocol AdminRoutes: Sendable {
    func respond(method: String, path: String, headers: [HTTPHeaderField], body: [UInt8]) -> AdminReply?
}

/// One admin response.
public struct AdminReply: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int, contentType: String = "application/json", body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}
