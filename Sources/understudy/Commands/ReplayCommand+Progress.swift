import Foundation

/// A one-line progress counter on stderr while replaying, when stderr is a terminal.
final class ReplayProgress: @unchecked Sendable {
    private let total: Int
    private let enabled: Bool
    private let lock = NSLock()
    private var last = ContinuousClock.now

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled && isatty(2) == 1
    }

    func update(_ done: Int) {
        guard enabled else { return }
        lock.withLock {
            let now = ContinuousClock.now
            guard now - last > .milliseconds(200) || done == total else { return }
            last = now
            FileHandle.standardError.write(Data("\rreplayed \(done)/\(total)".utf8))
        }
    }

    func finish(seconds: Duration) {
        let (s, atto) = seconds.components
        let elapsed = Double(s) + Double(atto) / 1e18
        let rate = elapsed > 0 ? Double(total) / elapsed : 0
        let line = String(format: "replayed %d exchanges in %.2f s (%.0f/s)\n", total, elapsed, rate)
        FileHandle.standardError.write(Data(((enabled ? "\r" : "") + line).utf8))
    }
}
