import Foundation

/// A loopback upstream that answers one request with a body of `total` bytes (`body(total:)`)
/// and notes how far it got before the proxy stopped reading: it sends with a short send
/// timeout, and a send that makes no progress for `stall` seconds means the socket buffers
/// between it and the proxy's reads are full. It then goes on sending until the body is done
/// (the proxy reads again once its client does).
final class LargeResponseUpstream: @unchecked Sendable {
    private let fd: Int32
    private let total: Int
    private let stall: TimeInterval
    private let lock = NSLock()
    private var sentBeforeStall: Int?
    private let stalledOrDone = DispatchSemaphore(value: 0)

    /// Each 16-byte line is its own offset in the body (zero-padded decimal and a newline), so a
    /// byte lost, repeated or moved shows in a comparison.
    static func body(total: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: UInt8(ascii: "\n"), count: total)
        for lineStart in stride(from: 0, to: total, by: 16) {
            var value = lineStart
            for index in stride(from: lineStart + 14, through: lineStart, by: -1) {
                if index < total { bytes[index] = UInt8(ascii: "0") + UInt8(value % 10) }
                value /= 10
            }
        }
        return bytes
    }

    init(port: Int, total: Int, stall: TimeInterval = 1.5) throws {
        fd = try listenOnLoopback(port: port)
        self.total = total
        self.stall = stall
        Thread.detachNewThread { [self] in serveOne() }
    }

    /// Bytes the upstream's socket took before it first stalled (all of them when it never did);
    /// nil when neither happened within `timeout` seconds.
    func bytesSentBeforeStall(timeout: TimeInterval) -> Int? {
        _ = stalledOrDone.wait(timeout: .now() + timeout)
        return lock.withLock { sentBeforeStall }
    }

    private func note(_ sent: Int) {
        let first = lock.withLock {
            guard sentBeforeStall == nil else { return false }
            sentBeforeStall = sent
            return true
        }
        if first { stalledOrDone.signal() }
    }

    private func serveOne() {
        let connection = accept(fd, nil, nil)
        guard connection >= 0 else { return }
        defer { close(connection) }
        // A small send buffer on this side, so what is in flight is mostly the proxy's.
        var sendBuffer: Int32 = 64 * 1024
        setsockopt(connection, SOL_SOCKET, SO_SNDBUF, &sendBuffer, socklen_t(MemoryLayout<Int32>.size))
        var wait = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        guard receiveHead(connection, into: &request) != nil else { return }
        let head = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: \(total)\r\n\r\n".utf8)
        let bytes = head + Self.body(total: total)
        var sent = 0
        var lastProgress = Date()
        let deadline = Date().addingTimeInterval(120)
        while sent < bytes.count, Date() < deadline {
            let n = bytes.withUnsafeBytes {
                send(connection, $0.baseAddress! + sent, min(64 * 1024, bytes.count - sent), Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                sent += n
                lastProgress = Date()
            } else if n < 0, errno != EAGAIN, errno != EWOULDBLOCK, errno != EINTR {
                break
            } else if Date().timeIntervalSince(lastProgress) >= stall {
                note(max(0, sent - head.count))
            }
        }
        note(max(0, sent - head.count))
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
