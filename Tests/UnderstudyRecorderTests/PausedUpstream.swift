import Foundation

/// A loopback upstream that accepts connections but reads nothing from them until `drain()`:
/// their bytes sit in the kernel's receive buffer, as with an upstream that stopped reading.
/// Once drained it reads each request (a `Content-Length` body) to its end and answers
/// `received <body bytes> changed <bytes that were not "x">`.
final class PausedUpstream: @unchecked Sendable {
    private let fd: Int32
    private let lock = NSLock()
    private var draining = false
    private var accepted = 0
    private var closedUnread = 0

    init(port: Int) throws {
        fd = try listenOnLoopback(port: port)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// How many connections the proxy opened to this upstream.
    var connections: Int { lock.withLock { accepted } }

    /// How many connections the proxy closed while this upstream was not reading them (seen as
    /// the peer's shutdown with the request still unread).
    var connectionsClosedByProxy: Int { lock.withLock { closedUnread } }

    /// Starts reading: the connections' requests are taken in and answered.
    func drain() {
        lock.withLock { draining = true }
    }

    private func acceptLoop() {
        while true {
            let connection = accept(fd, nil, nil)
            guard connection >= 0 else { return }
            lock.withLock { accepted += 1 }
            Thread.detachNewThread { [self] in serve(connection) }
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        while !lock.withLock({ draining }) {
            if peerShutDown(connection, waitMilliseconds: 10) {
                lock.withLock { closedUnread += 1 }
                return
            }
        }
        var pending: [UInt8] = []
        guard let headEnd = receiveHead(connection, into: &pending) else { return }
        let head = String(decoding: pending[..<headEnd.lowerBound], as: UTF8.self).lowercased()
        let length = head.split(separator: "\r\n")
            .first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        var received = pending.count - headEnd.upperBound
        var changed = pending[headEnd.upperBound...].count { $0 != UInt8(ascii: "x") }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while received < length {
            let n = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return }
            received += n
            changed += buffer[0..<n].count { $0 != UInt8(ascii: "x") }
        }
        sendAnswer("received \(received) changed \(changed)", on: connection)
    }

    /// Whether the peer shut its side of `connection` down, waiting up to `waitMilliseconds`; unread
    /// bytes do not hide it (a `recv` would return them first). POLLRDHUP is Linux's, and Glibc's
    /// Swift module does not export it.
    private func peerShutDown(_ connection: Int32, waitMilliseconds: Int32) -> Bool {
        let pollReadHangUp: Int16 = 0x2000
        var watch = pollfd(fd: connection, events: pollReadHangUp, revents: 0)
        return poll(&watch, 1, waitMilliseconds) > 0 && watch.revents & (pollReadHangUp | Int16(POLLHUP)) != 0
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
