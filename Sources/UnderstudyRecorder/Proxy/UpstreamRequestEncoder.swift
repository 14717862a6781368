import NIOCore

/// Writes the direct path's requests to the upstream as bytes: the client's head rewritten in
/// one pass (hop-by-hop fields and `Expect` dropped, `Host` set to the upstream's, the path
/// prefixed, `Accept-Encoding` dropped on LLM routes), then the body as it arrives, chunk-framed
/// only when its length is unknown. This replaces NIO's HTTP/1.1 client encoder there, which
/// built a second `HTTPHeaders` and passed every part through two pipeline stages.
public enum UpstreamRequestEncoder {
    /// How the request body is delimited towards the upstream.
    public enum Framing: Equatable, Sendable {
        /// `Content-Length: n` (also 0 for a POST that sent no body, as some servers insist).
        case length(Int)
        /// `Transfer-Encoding: chunked`: body parts are chunk-framed, the end is a last chunk.
        case chunked
        /// No body and no framing field (e.g. a GET).
        case none
    }

    /// The framing for a request whose body streams as it arrives (nil: not yet known) or is
    /// held whole (`heldLength`).
    static func framing(_ head: ClientRequestHead, heldLength: Int?) -> Framing {
        let chunked = head.hasTransferEncoding
        let declared = head.contentLength
        if let heldLength {
            return heldLength > 0 || chunked || declared != nil ? .length(heldLength) : .none
        }
        if let declared { return .length(declared) }
        if chunked { return .chunked }
        switch head.method {
        case "POST", "PUT", "PATCH": return .length(0)
        default: return .none
        }
    }

    /// Writes the request head for the upstream.
    public static func writeHead(
        _ head: ClientRequestHead, path: String, host: String, dropAcceptEncoding: Bool, framing: Framing,
        into buffer: inout ByteBuffer
    ) {
        let named = head.connectionTokens
        // Request line, host, the fields (an upper bound: some are dropped) and the framing field.
        var length = HeadBytes.length(of: head.method) + 1 + HeadBytes.length(of: path) + 17
            + HeadBytes.length(of: host) + 2 + 18 + HeadBytes.maxDecimalDigits + 4
        for index in head.fields.indices {
            length += HeadBytes.length(of: head.fields[index].name) + HeadBytes.length(of: head.fields[index].value) + 4
        }
        HeadBytes.write(into: &buffer, reserving: length) { out in
            out.append(head.method)
            out.append(byte: 0x20)
            out.append(path)
            out.append(" HTTP/1.1\r\nhost: ")
            out.append(host)
            out.append("\r\n")
            // By index: `for field in` copied each field (a retain and release per string).
            for index in head.fields.indices
            where keep(head.fields[index].name, dropAcceptEncoding: dropAcceptEncoding, named: named) {
                out.append(head.fields[index].name)
                out.append(": ")
                out.append(head.fields[index].value)
                out.append("\r\n")
            }
            switch framing {
            case .length(let length):
                out.append("content-length: ")
                out.append(decimal: length)
                out.append("\r\n\r\n")
            case .chunked:
                out.append("transfer-encoding: chunked\r\n\r\n")
            case .none:
                out.append("\r\n")
            }
        }
    }

    /// Whether a client header goes upstream as it is (framing fields are written separately).
    /// Declared read-only (it only compares bytes): otherwise the compiler copied each field's
    /// name around the call, a retain and a release per field and request (MEASUREMENTS.md,
    /// thirteenth session, engineer "loop3"). The declaration is a promise the compiler does not
    /// check: this function and what it calls (`HeaderName.equals`,
    /// `HopByHopHeaders.isStaticHopByHop`) must stay free of side effects. Logging, a metric, or
    /// a stored copy of the name added to any of them would break it (the compiler may drop or
    /// reorder the call), so such a change removes the attribute.
    @_effects(readonly)
    private static func keep(_ name: String, dropAcceptEncoding: Bool, named: [String]) -> Bool {
        // Compared by length first and without a lowercase copy (most names are kept).
        switch name.utf8.count {
        case 4: if HeaderName.equals(name, "host") { return false }
        case 6: if HeaderName.equals(name, "expect") { return false }
        case 14: if HeaderName.equals(name, "content-length") { return false }
        case 15: if dropAcceptEncoding && HeaderName.equals(name, "accept-encoding") { return false }
        default: if HopByHopHeaders.isStaticHopByHop(name) { return false }
        }
        // `Connection: keep-alive` (most HTTP clients send it) names a field dropped anyway.
        return named.isEmpty || !named.contains { HeaderName.equals(name, lowercase: $0) }
    }

    /// The bytes before one chunk of a chunked body.
    static func writeChunkHeader(length: Int, into buffer: inout ByteBuffer) {
        // Hex digits written in place (a `String(radix:)` per chunk showed in stream profiles).
        var shift = max(0, (Int.bitWidth - length.leadingZeroBitCount + 3) / 4 - 1) * 4
        while shift >= 0 {
            let digit = UInt8(truncatingIfNeeded: (length >> shift) & 0xF)
            buffer.writeInteger(digit < 10 ? 0x30 + digit : 0x57 + digit)
            shift -= 4
        }
        buffer.writeInteger(UInt16(0x0D0A))
    }
}
