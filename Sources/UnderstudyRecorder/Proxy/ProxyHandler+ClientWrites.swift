import NIOCore
import NIOHTTP1
import UnderstudyArchive

/// The way responses reach the client: as bytes in raw mode (`ClientResponseEncoder`: the head
/// in one pass, the body as it came, chunk-framed only when its length is unknown), as NIO HTTP
/// parts when NIO's server codec sits in front (forward mode). Without a promise a write is not
/// flushed: the direct path flushes once per upstream read and at a response's end (`flushClient`).
extension ProxyHandler {
    func writeResponseHead(status: Int, reason: String, fields: [HTTPHeaderField], promise: EventLoopPromise<Void>?) {
        guard let context else {
            promise?.succeed()
            return
        }
        guard requestFramer != nil else {
            var headers = HTTPHeaders()
            headers.reserveCapacity(fields.count)
            for field in fields { headers.add(name: field.name, value: field.value) }
            let head = HTTPResponseHead(
                version: requestVersion, status: HTTPResponseStatus(statusCode: status, reasonPhrase: reason),
                headers: headers)
            send(wrapOutboundOut(.head(head)), context: context, promise: promise)
            return
        }
        // As NIO's encoder: no length on an HTTP/1.1 response that may have a body → chunked (the
        // coding is named for a HEAD too, whose body is never sent).
        // One look for the field: whether there is a length, and how long a body to make room for.
        let lengthField = HopByHopHeaders.contentLengthField(in: fields)
        let unframed = ClientResponseEncoder.bodyAllowed(status: status, isHEAD: false) && requestVersion.minor >= 1
            && lengthField == nil
        responseChunked = unframed && !requestIsHEAD
        // Room for a small body too (gathered below, up to `UpstreamConnection.gatherLimit`).
        let length = lengthField.flatMap(UpstreamResponseFramer.Framing.contentLength) ?? 0
        let room = length <= UpstreamConnection.gatherLimit ? length : 0
        var buffer = ByteBuffer.recycled(
            &responseScratch, minimumCapacity: 128 + fields.count * 64 + (responseChunked ? 1024 : room))
        ClientResponseEncoder.writeHead(version: requestVersion, status: status, reason: reason, fields: fields,
                                        chunked: unframed, into: &buffer)
        if promise == nil {
            // Held until the flush (or a large body piece), so a small answer leaves as one
            // buffer, and so do the stream events of one upstream read (`writeResponseBody`).
            gatheredResponse = buffer
            clientFlushPending = true
            return
        }
        keepForReuse(buffer)
        send(NIOAny(buffer), context: context, promise: promise)
    }

    /// Writes the bytes held back since `writeResponseHead` (the head and any small body pieces
    /// gathered after it), before anything else is written.
    func sendGatheredResponse(flush: Bool = false) {
        // Only the context written from is loaded (a retain and release each, per response).
        guard context != nil, let out = bytesContext ?? context else { return }
        guard let buffer = gatheredResponse else {
            if flush { out.flush() }
            return
        }
        gatheredResponse = nil
        keepForReuse(buffer)
        // Written and flushed in one pass down the pipeline when the flush follows at once.
        if flush {
            out.writeAndFlush(NIOAny(buffer), promise: nil)
        } else {
            out.write(NIOAny(buffer), promise: nil)
        }
    }

    /// Holds a head buffer about to be written for the next response's head (written as it is
    /// now: nothing appends to it after this, or its storage would be copied).
    private func keepForReuse(_ buffer: ByteBuffer) {
        if buffer.capacity <= ByteBuffer.recycledLimit { responseScratch = buffer }
    }

    func writeResponseBody(_ buffer: ByteBuffer, promise: EventLoopPromise<Void>?) {
        guard let context else {
            promise?.succeed()
            return
        }
        guard requestFramer != nil else {
            send(wrapOutboundOut(.body(.byteBuffer(buffer))), context: context, promise: promise)
            return
        }
        let size = buffer.readableBytes
        if responseChunked, size == 0 {
            promise?.succeed()
            return
        }
        if promise == nil, size <= UpstreamConnection.gatherLimit, gather(buffer, chunked: responseChunked) {
            return
        }
        sendGatheredResponse()
        if responseChunked {
            var header = context.channel.allocator.buffer(capacity: 12)
            ClientResponseEncoder.writeChunkHeader(length: size, into: &header)
            context.write(NIOAny(header), promise: nil)
            context.write(NIOAny(buffer), promise: nil)
            send(NIOAny(ClientResponseEncoder.chunkEnd), context: context, promise: promise)
        } else {
            send(NIOAny(buffer), context: context, promise: promise)
        }
    }

    /// Copies a small body piece (chunk-framed when `chunked`) into the bytes held for the next
    /// flush, if they stay under `ByteBuffer.recycledLimit`. A stream's events arrive a few per
    /// upstream read: each used to cost three pipeline writes (chunk header, data, CRLF) and a
    /// header buffer; now one read's events leave as one buffer, still within the read's tick.
    private func gather(_ piece: ByteBuffer, chunked: Bool) -> Bool {
        let needed = piece.readableBytes + (chunked ? 20 : 0)
        if gatheredResponse == nil {
            gatheredResponse = ByteBuffer.recycled(&responseScratch, minimumCapacity: max(needed, 1024))
        } else if gatheredResponse!.readableBytes + needed > ByteBuffer.recycledLimit {
            return false
        }
        if chunked {
            ClientResponseEncoder.writeChunkHeader(length: piece.readableBytes, into: &gatheredResponse!)
            gatheredResponse!.writeImmutableBuffer(piece)
            gatheredResponse!.writeStaticString("\r\n")
        } else {
            gatheredResponse!.writeImmutableBuffer(piece)
        }
        clientFlushPending = true
        return true
    }

    /// Ends the response (the last chunk when chunk-framed); `flush`: send now.
    func writeResponseEnd(flush: Bool, promise: EventLoopPromise<Void>?) {
        guard let context else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        if requestFramer != nil {
            let chunked = responseChunked
            responseChunked = false
            if chunked, promise == nil, gatheredResponse != nil,
               gatheredResponse!.readableBytes + 5 <= ByteBuffer.recycledLimit {
                // The last chunk joins the gathered answer (a flush is already pending for it).
                gatheredResponse!.writeStaticString("0\r\n\r\n")
            } else if chunked || promise != nil {
                sendGatheredResponse()
                // An empty write carries a promise after everything written before it.
                context.write(NIOAny(chunked ? ClientResponseEncoder.lastChunk : ByteBuffer()), promise: promise)
                clientFlushPending = true
            }
            // Nothing stays held after a response's end (a pipelined request's answer, 100 or 400,
            // may be written next): flushing, the gathered answer leaves by `flushClient`'s one
            // writeAndFlush below, not a write and then an empty flush.
            if !flush { sendGatheredResponse() }
        } else {
            context.write(wrapOutboundOut(.end(nil)), promise: promise)
            clientFlushPending = true
        }
        if flush { flushClient() }
    }

    /// `100 Continue` for the request in flight.
    func writeContinue() {
        guard let context else { return }
        if requestFramer != nil {
            sendGatheredResponse()
            var buffer = context.channel.allocator.buffer(capacity: 32)
            ClientResponseEncoder.writeContinue(version: requestVersion, into: &buffer)
            context.writeAndFlush(NIOAny(buffer), promise: nil)
        } else {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: requestVersion, status: .continue))),
                                  promise: nil)
        }
    }

    private func send(_ data: NIOAny, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        if let promise {
            context.writeAndFlush(data, promise: promise)
        } else {
            context.write(data, promise: nil)
            clientFlushPending = true
        }
    }
}
