import Foundation
import Testing
import UnderstudyTestSupport

/// `record` and `mock-upstream` stop cleanly on a SIGTERM that arrives as early as it can be
/// caught. Before, the commands ignored the signal first and a dispatch signal source took over
/// later: a SIGTERM in between was discarded and the process kept running (a CI run hung on it).
/// Here the signal is sent the moment `/proc` shows SIGTERM is no longer at its default action.
struct ShutdownSignalTests {
    /// SIGTERM's bit in the hex masks of `/proc/PID/status`.
    static let termBit: UInt64 = 1 << (UInt64(SIGTERM) - 1)

    /// Whether the process has replaced SIGTERM's default action (caught or ignored).
    static func termHandled(pid: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return false }
        for line in status.split(separator: "\n") where line.hasPrefix("SigCgt:") || line.hasPrefix("SigIgn:") {
            let hex = line.split(separator: "\t").last.map(String.init) ?? "0"
            if let mask = UInt64(hex.trimmingCharacters(in: .whitespaces), radix: 16), mask & termBit != 0 { return true }
        }
        return false
    }

    static func stopsOnAnEarlySIGTERM(_ arguments: [String], summary: String) throws {
        let directory = try TestEnvironment.temporaryDirectory("shutdown-signal")
        defer { try? FileManager.default.removeItem(at: directory) }
        for attempt in 1...3 {
            let process = try BackgroundProcess(
                TestEnvironment.binary, arguments.map { $0.replacingOccurrences(of: "DIR", with: directory.path + "/\(attempt)") },
                environment: ["XDG_CONFIG_HOME": directory.appendingPathComponent("config").path])
            let pid = process.process.processIdentifier
            let deadline = Date().addingTimeInterval(20)
            while !termHandled(pid: pid), process.process.isRunning, Date() < deadline { usleep(200) }
            #expect(termHandled(pid: pid), "SIGTERM never handled: \(process.log)")
            let status = process.stop(signal: SIGTERM, timeout: 30)
            #expect(status == 0, "attempt \(attempt): exited with \(status): \(process.log)")
            #expect(process.log.contains(summary), "attempt \(attempt): \(process.log)")
        }
    }

    @Test func recordStopsOnASIGTERMRightAfterStart() throws {
        let dead = TestEnvironment.freePort()
        try Self.stopsOnAnEarlySIGTERM([
            "record", "--listen", "127.0.0.1:\(TestEnvironment.freePort())", "--upstream", "openai=http://127.0.0.1:\(dead)",
            "--out", "DIR/capture", "--threads", "1",
        ], summary: "recorded 0 exchanges")
    }

    @Test func mockUpstreamStopsOnASIGTERMRightAfterStart() throws {
        let scriptDirectory = try TestEnvironment.temporaryDirectory("shutdown-script")
        defer { try? FileManager.default.removeItem(at: scriptDirectory) }
        let script = scriptDirectory.appendingPathComponent("script.jsonl")
        try Data(#"{"match": {}, "response": {"content": "ok"}}"#.utf8).write(to: script)
        try Self.stopsOnAnEarlySIGTERM(
            ["mock-upstream", "--listen", "127.0.0.1:\(TestEnvironment.freePort())", "--script", script.path, "--threads", "1"],
            summary: "mock upstream ready")
    }
}
