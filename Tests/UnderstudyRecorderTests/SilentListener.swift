import Foundation

/// A loopback TCP listener that never accepts: connections complete in the kernel's backlog and
/// their bytes sit in its receive buffer unread. Stands in for an upstream that stopped reading.
final class SilentListener {
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withLoopbackAddress(port: port) { bind(fd, $0, $1) }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw HarnessError("cannot listen on 127.0.0.1:\(port) (errno \(errno))")
        }
    }

    deinit { close(fd) }
}
