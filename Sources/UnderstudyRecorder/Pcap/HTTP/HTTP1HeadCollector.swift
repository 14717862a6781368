import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Collects the bytes of one HTTP/1.x message head, or trailer section, from buffers split in any
/// way: everything through the empty line that ends it. Shared by the proxy's request and
/// response framers and the body framer's trailers. No I/O.
struct HTTP1HeadCollector: Sendable {
    /// More bytes than the limit before the end of the head.
    struct TooLong: Error, Equatable {
        let count: Int
    }

    let maxBytes: Int
    /// A head split across reads.
    private var partial: [UInt8] = []
    /// The partial head ends with a line feed (and maybe a CR): one more line feed ends it.
    private var partialEndsLine = false

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    /// No byte of a head has been taken since the last one was returned.
    var isEmpty: Bool { partial.isEmpty }

    mutating func reset() {
        partial = []
        partialEndsLine = false
    }

    /// The bytes of the head (through its empty line) once complete, consumed from `buffer`; nil
    /// when more are needed (what `buffer` held is kept). `atLineStart`: the bytes begin right
    /// after a line end, so an empty line at once ends the section (a trailer section after the
    /// last chunk's size line).
    ///
    /// A head that came whole in `buffer` (the usual case) is returned as a slice of it, not
    /// copied: copying it into an array cost an allocation per head, two per proxied request.
    mutating func take(_ buffer: inout ByteBuffer, atLineStart: Bool = false) throws(TooLong) -> ByteBuffer? {
        guard let found = try endOfHead(in: &buffer, atLineStart: atLineStart) else { return nil }
        if partial.isEmpty {
            if found > maxBytes { throw TooLong(count: found) }
            return buffer.readSlice(length: found)
        }
        // The head began in an earlier buffer: the parts are joined (rare: heads are small).
        let count = partial.count + found
        if count > maxBytes { throw TooLong(count: count) }
        var joined = ByteBuffer()
        joined.reserveCapacity(count)
        joined.writeBytes(partial)
        buffer.withUnsafeReadableBytes { _ = joined.writeBytes(UnsafeRawBufferPointer(rebasing: $0.prefix(found))) }
        buffer.moveReaderIndex(forwardBy: found)
        partial.removeAll(keepingCapacity: true)
        return joined
    }

    /// How many of `buffer`'s readable bytes complete the head, or nil after keeping them all in
    /// `partial` (the head goes on in the next buffer).
    private mutating func endOfHead(in buffer: inout ByteBuffer, atLineStart: Bool) throws(TooLong) -> Int? {
        // A head ends at an empty line: LF (CR) LF. The search resumes where the partial head
        // ended, one byte back for a CR LF split across reads.
        let startsAfterLF = partial.isEmpty ? atLineStart : partialEndsLine
        let found: Int? = buffer.withUnsafeReadableBytes { bytes in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return nil }
            // From line feed to line feed (memchr), looking at what follows each one: another
            // line feed, or CR LF, ends the head.
            var index = 0
            if startsAfterLF {
                if bytes[0] == 0x0a { return 1 }
                if bytes[0] == 0x0d {
                    guard bytes.count > 1 else {
                        partialEndsLine = true
                        return nil
                    }
                    if bytes[1] == 0x0a { return 2 }
                }
            }
            while index < bytes.count {
                guard let hit = memchr(base + index, 0x0a, bytes.count - index) else { break }
                let lf = base.distance(to: UnsafeRawPointer(hit))
                let next = lf + 1
                if next < bytes.count, bytes[next] == 0x0a { return next + 1 }
                if next + 1 < bytes.count, bytes[next] == 0x0d, bytes[next + 1] == 0x0a { return next + 2 }
                if next == bytes.count || (next + 1 == bytes.count && bytes[next] == 0x0d) {
                    // The buffer ends right after a line feed (and maybe a CR): the next read decides.
                    partialEndsLine = true
                    return nil
                }
                index = next
            }
            partialEndsLine = false
            return nil
        }
        guard let found else {
            buffer.withUnsafeReadableBytes { partial.append(contentsOf: $0) }
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            if partial.count > maxBytes { throw TooLong(count: partial.count) }
            return nil
        }
        return found
    }
}
