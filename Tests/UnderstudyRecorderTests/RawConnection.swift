import Foundation

/// Calls `body` with 127.0.0.1:`port` as a `sockaddr` (for connect and bind).
func withLoopbackAddress<T>(port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}

/// A TCP socket listening on 127.0.0.1:`port` (backlog 16), for test upstreams written on bare sockets.
func listenOnLoopback(port: Int) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var one: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    let bound = withLoopbackAddress(port: port) { bind(fd, $0, $1) }
    guard bound == 0, listen(fd, 16) == 0 else {
        close(fd)
        throw HarnessError("cannot listen on 127.0.0.1:\(port) (errno \(errno))")
    }
    return fd
}

/// Receives on `connection` until `pending` holds the end of a request head; returns where the
/// head ends (nil: the peer left first).
func receiveHead(_ connection: Int32, into pending: inout [UInt8]) -> Range<Int>? {
    var buffer = [UInt8](repeating: 0, count: 4096)
    let end = Array("\r\n\r\n".utf8)
    while true {
        if let headEnd = pending.firstRange(of: end) { return headEnd }
        let n = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        pending += buffer[0..<n]
    }
}

/// Sends `body` as a 200 answer with a `Content-Length` on `connection`.
func sendAnswer(_ body: String, on connection: Int32) {
    let reply = Array("HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
    _ = reply.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
}

/// A plain TCP connection to 127.0.0.1 for sending bytes HTTP clients refuse to send.
final class RawConnection {
    private let fd: Int32

    /// - Parameter receiveBuffer: the socket's receive buffer in bytes (set before connecting;
    ///   small for a client that is to fall behind quickly), nil: the kernel's default.
    init(port: Int, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        let result = withLoopbackAddress(port: port) { connect(fd, $0, $1) }
        guard result == 0 else { throw HarnessError("cannot connect to 127.0.0.1:\(port)") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Sends `total` bytes of `byte` until done, or until a send makes no progress for
    /// `stall` seconds, or `timeout` passes. Returns how many bytes the peer's side took.
    func sendUntilStalled(total: Int, byte: UInt8 = UInt8(ascii: "x"), stall: TimeInterval = 1, timeout: TimeInterval = 20)
        -> Int
    {
        var wait = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        let chunk = [UInt8](repeating: byte, count: 64 * 1024)
        var sent = 0
        var lastProgress = Date()
        let deadline = Date().addingTimeInterval(timeout)
        while sent < total, Date() < deadline, Date().timeIntervalSince(lastProgress) < stall {
            let n = chunk.withUnsafeBytes {
                Foundation.send(fd, $0.baseAddress, min($0.count, total - sent), Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                sent += n
                lastProgress = Date()
            } else if n < 0, errno != EAGAIN, errno != EWOULDBLOCK, errno != EINTR {
                break
            }
        }
        return sent
    }

    /// Reads until the peer closes or `timeout` passes; returns the text and whether it closed.
    func readAll(timeout: TimeInterval = 5) -> (text: String, closed: Bool) {
        let reply = readAllBytes(timeout: timeout)
        return (String(decoding: reply.bytes, as: UTF8.self), reply.closed)
    }

    /// `readAll` as bytes, for a comparison byte for byte.
    func readAllBytes(timeout: TimeInterval = 5) -> (bytes: [UInt8], closed: Bool) {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return (out, true) }
            if n < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
                return (out, true)
            }
            out += buffer[0..<n]
        }
        return (out, false)
    }

    /// Reads until what came so far contains `marker`, the peer closes, or `timeout` passes.
    func read(until marker: String, timeout: TimeInterval = 5) -> String {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let wanted = Array(marker.utf8)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, !out.contains(subsequence: wanted) {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            if n < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
                break
            }
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    deinit { close(fd) }
}
