import Foundation

/// A loopback HTTP/1.1 upstream that keeps connections alive and answers each request (no body
/// expected) with `answer-<connection>-<request>`, except that it closes its first connection,
/// unanswered, when a second request arrives on it: an upstream whose keep-alive timeout ended
/// just as the proxy reused the connection.
final class KeepAliveUpstream: @unchecked Sendable {
    private let fd: Int32
    private let lock = NSLock()
    private var accepted = 0
    private var closedByPeer = 0

    init(port: Int) throws {
        fd = try listenOnLoopback(port: port)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// How many connections the proxy opened to this upstream.
    var connections: Int { lock.withLock { accepted } }

    /// How many connections the proxy closed (this upstream read their end; its own closes and
    /// read timeouts are not counted).
    var connectionsClosedByProxy: Int { lock.withLock { closedByPeer } }

    private func acceptLoop() {
        while true {
            let connection = accept(fd, nil, nil)
            guard connection >= 0 else { return }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let index = lock.withLock {
                accepted += 1
                return accepted
            }
            Thread.detachNewThread { [self] in serve(connection, index: index) }
        }
    }

    private func serve(_ connection: Int32, index: Int) {
        defer { close(connection) }
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var requests = 0
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            guard let headEnd = pending.firstRange(of: end) else {
                let n = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                if n == 0 { lock.withLock { closedByPeer += 1 } }
                guard n > 0 else { return }
                pending += buffer[0..<n]
                continue
            }
            pending.removeSubrange(..<headEnd.upperBound)
            requests += 1
            if index == 1 && requests == 2 { return }
            sendAnswer("answer-\(index)-\(requests)", on: connection)
        }
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
