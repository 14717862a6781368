import Foundation

/// A loopback upstream that accepts connections but reads nothing from them until `drain()`:
/// their bytes sit in the kernel's receive buffer, as with an upstream that stopped reading.
/// Once drained it reads each request (a `Content-Length` body) to its end and answers
/// `received <body bytes> changed <bytes that were not "x">`.
final class PausedUpstream: @unchecked Sendable {
    private let fd: Int32
    private let lock = NSLock()
    private var draining = false

    init(port: Int) throws {
        fd = try listenOnLoopback(port: port)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Starts reading: the connections' requests are taken in and answered.
    func drain() {
        lock.withLock { draining = true }
    }

    private func acceptLoop() {
        while true {
            let connection = accept(fd, nil, nil)
            guard connection >= 0 else { return }
            Thread.detachNewThread { [self] in serve(connection) }
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        while !lock.withLock({ draining }) { Thread.sleep(forTimeInterval: 0.01) }
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

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
