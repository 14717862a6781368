import Foundation

/// A loopback TCP listener that never accepts: connections complete in the kernel's backlog and
/// their bytes sit in its receive buffer unread. Stands in for an upstream that stopped reading.
final class SilentListener {
    private let fd: Int32

    init(port: Int) throws {
        fd = try listenOnLoopback(port: port)
    }

    deinit { close(fd) }
}
