import Foundation
import Synchronization

extension TestEnvironment {
    /// `UNDERSTUDY_KEEP_TEST_LOGS=1`: keep every child's log and every fixture directory, even those
    /// of tests that went right (a failing expectation does not stop a child ending as asked, so its
    /// log would otherwise go). Each kept path is printed on stderr.
    public static func keepsTestLogs(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        environment["UNDERSTUDY_KEEP_TEST_LOGS"] == "1"
    }

    /// Says on stderr that `url` was kept, and why.
    public static func noteKept(_ url: URL, because reason: String) {
        FileHandle.standardError.write(Data("[test] \(reason): kept \(url.path)\n".utf8))
    }

    /// Removes `url` when the test process exits normally (kept with `UNDERSTUDY_KEEP_TEST_LOGS=1`).
    /// For fixtures made once per process and shared by many tests (a `static let`), which no
    /// single test can remove. A process that crashes keeps them, for whoever debugs the crash.
    public static func removeAtExit(_ url: URL) {
        pendingRemovals.withLock { pending in
            if !pending.registered {
                atexit { removePendingAtExit() }
                pending.registered = true
            }
            pending.urls.append(url)
        }
    }
}

private struct PendingRemovals {
    var registered = false
    var urls: [URL] = []
}

private let pendingRemovals = Mutex(PendingRemovals())

private func removePendingAtExit() {
    let urls = pendingRemovals.withLock { pending in
        defer { pending.urls = [] }
        return pending.urls
    }
    if TestEnvironment.keepsTestLogs() {
        for url in urls { TestEnvironment.noteKept(url, because: "UNDERSTUDY_KEEP_TEST_LOGS=1") }
        return
    }
    for url in urls { try? FileManager.default.removeItem(at: url) }
}
