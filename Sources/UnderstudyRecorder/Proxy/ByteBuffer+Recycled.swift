import NIOCore

extension ByteBuffer {
    /// A buffer for the next write with the storage of `scratch`, the buffer written last time,
    /// when nothing holds it any more (the channel let go of it once it was written), else fresh
    /// storage. Each connection writes one head buffer per request in each direction; recycling
    /// it saves an allocation and a free per request (a response head with a gathered 1 KB body
    /// is a large-bin malloc, which also made glibc consolidate its fast bins every time).
    ///
    /// ```swift
    /// var buffer = ByteBuffer.recycled(&scratch, minimumCapacity: 512)
    /// buffer.writeStaticString("HTTP/1.1 200 OK\r\n")
    /// scratch = buffer                      // keep it: after the write it is ours alone again
    /// context.write(NIOAny(buffer), promise: nil)
    /// ```
    static func recycled(_ scratch: inout ByteBuffer, minimumCapacity: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        swap(&buffer, &scratch)
        // Allocates only when the last write still holds the storage (or it was too small).
        buffer.clear(minimumCapacity: minimumCapacity)
        return buffer
    }

    /// Kept for `recycled` while small: an idle connection holds at most this much.
    static let recycledLimit = 16 * 1024
}
