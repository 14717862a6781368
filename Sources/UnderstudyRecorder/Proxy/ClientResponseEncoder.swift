import NIOCore
import NIOHTTP1
import UnderstudyArchive

/// Writes the reverse proxy's responses to the client as bytes (raw mode): the status line and
/// the fields in one pass, `Transfer-Encoding: chunked` added when the body's length is unknown
/// on an HTTP/1.1 connection (as NIO's HTTP/1.1 server encoder did), body parts chunk-framed
/// only then. The fields come filtered already (`HopByHopHeaders.forClient`).
public enum ClientResponseEncoder {
    /// Whether a response to `request` with `status` carries a body (RFC 9112 §6.3).
    static func bodyAllowed(status: Int, isHEAD: Bool) -> Bool {
        !isHEAD && status >= 200 && status != 204 && status != 304
    }

    /// Writes the head. `chunked`: add the chunked coding (the caller frames the body).
    public static func writeHead(
        version: HTTPVersion, status: Int, reason: String, fields: [HTTPHeaderField], chunked: Bool,
        into buffer: inout ByteBuffer
    ) {
        let reason = reason.isEmpty ? HTTPResponseStatus(statusCode: status).reasonPhrase : reason
        // Status line, fields, and the longest ending (the chunked coding's field).
        var length = 9 + 3 + 1 + HeadBytes.length(of: reason) + 2 + 30
        // By index: `for field in` copied each field (a retain and release per string).
        for index in fields.indices {
            length += HeadBytes.length(of: fields[index].name) + HeadBytes.length(of: fields[index].value) + 4
        }
        HeadBytes.write(into: &buffer, reserving: length) { head in
            head.append(version.minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
            // Three digits (status codes are 100–999).
            let code = min(max(status, 100), 999)
            head.append(byte: UInt8(0x30 + code / 100))
            head.append(byte: UInt8(0x30 + code / 10 % 10))
            head.append(byte: UInt8(0x30 + code % 10))
            head.append(byte: 0x20)
            head.append(reason)
            head.append("\r\n")
            for index in fields.indices {
                head.append(fields[index].name)
                head.append(": ")
                head.append(fields[index].value)
                head.append("\r\n")
            }
            head.append(chunked ? "transfer-encoding: chunked\r\n\r\n" : "\r\n")
        }
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
