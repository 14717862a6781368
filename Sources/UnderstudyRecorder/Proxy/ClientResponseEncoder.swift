import NIOCore
import NIOHTTP1
import UnderstudyArchive

/// Writes the reverse proxy's responses to the client as bytes (raw mode): the status line and
/// the fields in one pass, `Transfer-Encoding: chunked` added when the body's length is unknown
/// on an HTTP/1.1 connection (as NIO's HTTP/1.1 server encoder did), body parts chunk-framed
/// only then. The fields come filtered already (`HopByHopHeaders.forClient`).
enum ClientResponseEncoder {
    /// Whether a response to `request` with `status` carries a body (RFC 9112 §6.3).
    static func bodyAllowed(status: Int, isHEAD: Bool) -> Bool {
        !isHEAD && status >= 200 && status != 204 && status != 304
    }

    /// Writes the head. `chunked`: add the chunked coding (the caller frames the body).
    static func writeHead(
        version: HTTPVersion, status: Int, reason: String, fields: [HTTPHeaderField], chunked: Bool,
        into buffer: inout ByteBuffer
    ) {
        buffer.writeStaticString(version.minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        writeStatus(status, into: &buffer)
        buffer.writeStaticString(" ")
        buffer.writeString(reason.isEmpty ? HTTPResponseStatus(statusCode: status).reasonPhrase : reason)
        buffer.writeStaticString("\r\n")
        for field in fields {
            buffer.writeString(field.name)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString(chunked ? "transfer-encoding: chunked\r\n\r\n" : "\r\n")
    }

    /// Three digits (status codes are 100–999).
    private static func writeStatus(_ status: Int, into buffer: inout ByteBuffer) {
        let code = min(max(status, 100), 999)
        buffer.writeInteger(UInt8(0x30 + code / 100))
        buffer.writeInteger(UInt8(0x30 + code / 10 % 10))
        buffer.writeInteger(UInt8(0x30 + code % 10))
    }

    /// `100 Continue`, for a client that sent `Expect: 100-continue`.
    static func writeContinue(version: HTTPVersion, into buffer: inout ByteBuffer) {
        buffer.writeStaticString(version.minor == 0 ? "HTTP/1.0 100 Continue\r\n\r\n" : "HTTP/1.1 100 Continue\r\n\r\n")
    }

    /// The bytes before one chunk of a chunked body.
    static func writeChunkHeader(length: Int, into buffer: inout ByteBuffer) {
        UpstreamRequestEncoder.writeChunkHeader(length: length, into: &buffer)
    }

    static let lastChunk = ByteBuffer(staticString: "0\r\n\r\n")
    static let chunkEnd = ByteBuffer(staticString: "\r\n")
}
