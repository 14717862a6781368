import Foundation
import Synchronization

extension TestEnvironment {
    /// Removes `url` when the test process exits normally. For fixtures made once per process and
    /// shared by many tests (a `static let`), which no single test can remove. A process that
    /// crashes keeps them, for whoever debugs the crash.
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
    for url in urls { try? FileManager.default.removeItem(at: url) }
}
