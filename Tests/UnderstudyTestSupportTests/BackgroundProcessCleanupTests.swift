import Foundation
import Testing
import UnderstudyTestSupport

/// The suites start hundreds of background children per run; each one's log must be gone once a
/// test that went right lets go of it, and stay (for debugging) when the child misbehaved.
struct BackgroundProcessCleanupTests {
    /// Runs `script` under /bin/sh as a background child, lets `finish` end it, drops the child and
    /// says where its log was.
    func logAfterRelease(_ script: String, finish: (BackgroundProcess) -> Void) throws -> URL {
        let child = try BackgroundProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", script])
        child.keepsLog = false  // what is tested is the default, also when UNDERSTUDY_KEEP_TEST_LOGS=1 is set
        finish(child)
        return child.logURL
    }

    func waitForExit(_ child: BackgroundProcess) {
        #expect(eventually(within: 30) { !child.process.isRunning }, "\(child.log)")
    }

    @Test func theLogOfAChildThatExitedCleanlyIsRemoved() throws {
        let log = try logAfterRelease("echo ready") { child in
            waitForExit(child)
            #expect(child.log.contains("ready"), "the log is readable until the test lets go")
        }
        #expect(!FileManager.default.fileExists(atPath: log.path), "left behind: \(log.path)")
    }

    @Test func theLogOfAChildEndedByTheSignalTheTestSentIsRemoved() throws {
        // SIGKILL: a child of the test process may start with SIGTERM blocked (a plain `sleep` then
        // outlives it), and the point here is the log, not the signal.
        let log = try logAfterRelease("exec sleep 30") { child in
            #expect(child.stop(signal: SIGKILL) == SIGKILL)
        }
        #expect(!FileManager.default.fileExists(atPath: log.path), "left behind: \(log.path)")
    }

    @Test func theLogOfAChildThatFailedIsKept() throws {
        let log = try logAfterRelease("echo broken; exit 3") { child in waitForExit(child) }
        defer { try? FileManager.default.removeItem(at: log) }
        #expect(try String(contentsOf: log, encoding: .utf8).contains("broken"))
    }

    @Test func theLogOfAChildThatIgnoredItsStopSignalIsKept() throws {
        let log = try logAfterRelease("trap '' TERM; echo ignoring; exec sleep 30") { child in
            #expect(eventually(within: 30) { child.log.contains("ignoring") })
            #expect(child.stop(signal: SIGTERM, timeout: 0.3) == -1)
        }
        defer { try? FileManager.default.removeItem(at: log) }
        #expect(try String(contentsOf: log, encoding: .utf8).contains("killed"))
    }

    @Test func theLogOfAChildThatExitedOnTheTermSignalItWasSentIsRemoved() throws {
        // The path a server under test takes: SIGTERM, a clean exit. The trap is set before the
        // child says it is ready, so the signal cannot arrive before it.
        let log = try logAfterRelease("trap 'echo terminated; exit 0' TERM; echo ready; while :; do sleep 0.05; done") {
            child in
            #expect(eventually(within: 30) { child.log.contains("ready") })
            #expect(child.stop() == 0, "\(child.log)")
            #expect(child.log.contains("terminated"))
        }
        #expect(!FileManager.default.fileExists(atPath: log.path), "left behind: \(log.path)")
    }

    @Test func keepingLogsKeepsTheLogOfAChildThatEndedAsAsked() throws {
        let log = try logAfterRelease("echo ready") { child in
            child.keepsLog = true  // what UNDERSTUDY_KEEP_TEST_LOGS=1 sets
            waitForExit(child)
        }
        defer { try? FileManager.default.removeItem(at: log) }
        #expect(try String(contentsOf: log, encoding: .utf8).contains("ready"))
    }

    @Test func keepingLogsIsAskedForWithUnderstudyKeepTestLogsOne() {
        #expect(TestEnvironment.keepsTestLogs(["UNDERSTUDY_KEEP_TEST_LOGS": "1"]))
        #expect(!TestEnvironment.keepsTestLogs(["UNDERSTUDY_KEEP_TEST_LOGS": "0"]))
        #expect(!TestEnvironment.keepsTestLogs([:]))
    }
}
