import Dispatch
import Foundation

/// The write end of the pipe the signal handler reports into; -1 until a `ShutdownSignal` exists.
/// A C signal handler cannot capture context, so it reads this global (set before the handler is
/// installed, so its lazy initialisation never runs inside the handler).
nonisolated(unsafe) private var shutdownPipeWriteEnd: Int32 = -1

/// Catches SIGINT and SIGTERM from the moment it is created (the default handlers no longer
/// kill the process) and lets one task wait for the first of them.
///
/// The handler is installed synchronously with `sigaction` and only writes the signal's number
/// into a pipe (the self-pipe pattern: `write` is async-signal-safe); a dispatch read source
/// delivers it from there. An earlier version ignored the signals (`SIG_IGN`) and relied on
/// `DispatchSource.makeSignalSource`, which registers its handler asynchronously: a SIGTERM that
/// arrived before the registration was done — a second after start on a loaded machine — was
/// discarded, and `record` kept running until killed, without flushing its archive.
final class ShutdownSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var received: String?
    private var waiter: CheckedContinuation<String, Never>?
    private let reader: any DispatchSourceRead

    init() {
        // One per process: the handler reports into the one global pipe.
        precondition(shutdownPipeWriteEnd == -1, "a second ShutdownSignal in one process")
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { fatalError("cannot create the shutdown signal pipe: errno \(errno)") }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        _ = fcntl(writeEnd, F_SETFL, fcntl(writeEnd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        shutdownPipeWriteEnd = writeEnd
        let handler: @convention(c) (Int32) -> Void = { number in
            let interrupted = errno  // the interrupted code may be about to read it
            var byte = UInt8(truncatingIfNeeded: number)
            // A full pipe already holds a signal to deliver, so a failed write loses nothing.
            _ = write(shutdownPipeWriteEnd, &byte, 1)
            errno = interrupted
        }
        for number in [SIGINT, SIGTERM] {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = handler
            #else
            action.__sigaction_u.__sa_handler = handler
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
        reader = DispatchSource.makeReadSource(fileDescriptor: readEnd, queue: .global())
        reader.setEventHandler { [weak self] in
            var byte: UInt8 = 0
            guard read(readEnd, &byte, 1) == 1 else { return }
            self?.deliver(Int32(byte) == SIGINT ? "SIGINT" : "SIGTERM")
        }
        reader.resume()
    }

    private func deliver(_ name: String) {
        lock.lock()
        guard received == nil else {
            lock.unlock()
            return
        }
        received = name
        let waiter = self.waiter
        self.waiter = nil
        lock.unlock()
        waiter?.resume(returning: name)
    }

    /// The name of the first signal received.
    func wait() async -> String {
        await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            lock.lock()
            if let received {
                lock.unlock()
                continuation.resume(returning: received)
                return
            }
            waiter = continuation
            lock.unlock()
        }
    }
}
