import Foundation
import NIOCore
import NIOHTTP1
import UnderstudyArchive

/// The forward-proxy front of a client connection (installed before `ProxyHandler` when
/// `record --forward` is on). Origin-form requests pass through to the reverse proxy unchanged.
/// A `CONNECT` is decided by `ForwardPolicy`: refused with an HTTP error, tunnelled blind, or
/// intercepted — the connection switches to TLS with a leaf minted for the host and its requests
/// go through `ProxyHandler` (capture mode `forward`). A plain-HTTP absolute-form request
/// (`GET http://host/path`) is decided the same way and handed on in origin form with its route.
final class ForwardConnectHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// Between requests, or passing an origin-form / routed request on.
        case passing
        /// An absolute-form request waiting for its policy decision; its parts so far.
        case deciding([HTTPServerRequestPart])
        /// A CONNECT being decided, or a refused request: further parts are dropped.
        case swallowing
    }

    let forward: ForwardProxy
    let services: ProxyServices
    private var state = State.passing

    init(forward: ForwardProxy, services: ProxyServices) {
        self.forward = forward
        self.services = services
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch (state, part) {
        case (.passing, .head(let head)) where head.method == .CONNECT:
            state = .swallowing
            context.triggerUserOutboundEvent(ConnectionTimeoutHandler.Event.requestHeadReceived, promise: nil)
            // Decided on a later tick: the pipeline may be rebuilt, which must not happen while
            // the HTTP decoder is still delivering this request's parts.
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.execute {
                let (handler, context) = bound.value
                handler.connect(head, context: context)
            }
        case (.passing, .head(let head)) where head.uri.lowercased().hasPrefix("http://"):
            state = .deciding([part])
            decideAbsolute(head, context: context)
        case (.passing, .head(let head)) where head.uri.lowercased().hasPrefix("https://"):
            state = .swallowing
            context.triggerUserOutboundEvent(ConnectionTimeoutHandler.Event.requestHeadReceived, promise: nil)
            respond(
                status: .badRequest, type: "forward_bad_request",
                message: "understudy: send https:// requests through CONNECT (HTTPS_PROXY), not in absolute form",
                context: context)
        case (.passing, _):
            context.fireChannelRead(data)
        case (.deciding(var parts), _):
            parts.append(part)
            state = .deciding(parts)
        case (.swallowing, _):
            break
        }
    }

    // MARK: plain-HTTP absolute form

    private func decideAbsolute(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard let url = URLComponents(string: head.uri), let host = url.host?.lowercased(), !host.isEmpty else {
            state = .swallowing
            respond(
                status: .badRequest, type: "forward_bad_request",
                message: "understudy: '\(head.uri.prefix(200))' is not an http:// URL", context: context)
            return
        }
        let port = url.port ?? 80
        let authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        forward.resolve(authority: authority, on: context.eventLoop).whenSuccess { resolution in
            let (handler, context) = bound.value
            handler.routeAbsolute(head, url: url, resolution: resolution, context: context)
        }
    }

    private func routeAbsolute(
        _ head: HTTPRequestHead, url: URLComponents, resolution: ForwardProxy.Resolution, context: ChannelHandlerContext
    ) {
        guard case .deciding(let parts) = state, context.channel.isActive else { return }
        let route: ForwardRoute
        do {
            switch resolution.decision {
            case .refuse(let status, let reason):
                refuse(status: status, reason: reason, what: head.uri, context: context)
                return
            case .intercept(let host, _):
                route = try forward.route(scheme: "http", host: host, port: resolution.port, record: true)
            case .tunnel(let host, _):
                route = try forward.route(scheme: "http", host: host, port: resolution.port, record: false)
            }
        } catch {
            refuse(status: 400, reason: "\(error)", what: head.uri, context: context)
            return
        }
        var origin = head
        origin.uri =
            (url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath)
            + (url.percentEncodedQuery.map { "?" + $0 } ?? "")
        origin.headers.remove(name: "proxy-authorization")
        state = .passing
        context.fireUserInboundEventTriggered(route)
        for part in parts {
            if case .head = part {
                context.fireChannelRead(wrapInboundOut(.head(origin)))
            } else {
                context.fireChannelRead(wrapInboundOut(part))
            }
        }
    }

    // MARK: CONNECT

    private func connect(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        forward.resolve(authority: head.uri, on: context.eventLoop).whenSuccess { resolution in
            let (handler, context) = bound.value
            handler.connected(head, resolution: resolution, context: context)
        }
    }

    private func connected(_ head: HTTPRequestHead, resolution: ForwardProxy.Resolution, context: ChannelHandlerContext)
    {
        guard context.channel.isActive else { return }
        switch resolution.decision {
        case .refuse(let status, let reason):
            refuse(status: status, reason: reason, what: "CONNECT \(head.uri)", context: context)
        case .tunnel(let host, let port):
            guard let address = resolution.address else {
                refuse(
                    status: 502, reason: "no address for \(host):\(port)", what: "CONNECT \(head.uri)", context: context
                )
                return
            }
            tunnel(to: address, authority: head.uri, context: context)
        case .intercept(let host, _):
            do {
                let tls = try forward.serverContext(for: host)
                let route = try forward.route(scheme: "https", host: host, port: resolution.port, record: true)
                try intercept(tls: tls, route: route, context: context)
            } catch {
                forward.logger.error(
                    "forward: cannot intercept", metadata: ["connect": "\(head.uri)", "error": "\(error)"])
                respond(
                    status: .internalServerError, type: "forward_error",
                    message: "understudy: cannot intercept \(head.uri): \(error)", context: context)
            }
        }
    }

    // MARK: answers

    private func refuse(status: Int, reason: String, what: String, context: ChannelHandlerContext) {
        state = .swallowing
        forward.logger.notice(
            "forward: refused",
            metadata: [
                "request": "\(what.prefix(300))", "status": "\(status)", "reason": "\(reason)",
                "client": "\(context.channel.remoteAddress.map { "\($0)" } ?? "?")",
            ])
        services.metrics.badRequest(status: status)
        respond(
            status: HTTPResponseStatus(statusCode: status), type: status == 403 ? "forward_refused" : "forward_error",
            message: "understudy: \(reason)", context: context)
    }

    /// Answers with a JSON error and closes the connection.
    func respond(status: HTTPResponseStatus, type: String, message: String, context: ChannelHandlerContext) {
        var body: [UInt8] = []
        let error: JSONValue = [
            "error": ["message": .string(message), "type": .string(type), "code": .int(Int(status.code))]
        ]
        error.write(to: &body)
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(body.count))
        headers.add(name: "connection", value: "close")
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
            promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { [channel = context.channel] _ in
            channel.close(promise: nil)
        }
    }
}
