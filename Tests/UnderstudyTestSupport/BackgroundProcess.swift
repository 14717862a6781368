import Foundation
import Synchronization

/// A long-running child (a server under test); terminated when stopped or deallocated.
///
/// Its stdout and stderr go to `logURL` in the temporary directory. When this object goes away
/// the log is removed if the child ended the way the test asked (it exited 0, or died of the
/// signal `stop` sent it); otherwise the log is kept and its path printed on stderr, so a crash,
/// an error exit, an ignored signal or a child the test never stopped can be read after the run.
/// `keepsLog` (set by `UNDERSTUDY_KEEP_TEST_LOGS=1`) keeps it whatever the ending.
public final class BackgroundProcess: @unchecked Sendable {
    public let process = Process()
    public let logURL: URL
    /// Keep the log even when the child ended as asked (a test that failed for another reason).
    public var keepsLog = TestEnvironment.keepsTestLogs()
    /// What `stop` did: the signal it sent, and whether the child outlived it and was killed.
    private let stopping = Mutex(Stopping())

    private struct Stopping {
        var signal: Int32?
        var ignoredSignal = false
    }

    public init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("understudy-bg-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logURL)
        process.standardOutput = handle
        process.standardError = handle
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: logURL)
            throw error
        }
    }

    /// Everything the process printed so far.
    public var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Sends `signal` (SIGTERM by default) and waits for exit; returns the exit status. A process
    /// still running `timeout` seconds later is killed (SIGKILL) and reported as status -1 with a
    /// note in its log, so a signal the process lost fails the caller's check instead of hanging
    /// the suite.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 60) -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        stopping.withLock { $0.signal = signal }
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        guard process.isRunning else {
            process.waitUntilExit()
            return process.terminationStatus
        }
        stopping.withLock { $0.ignoredSignal = true }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        if let handle = try? FileHandle(forWritingTo: logURL) {
            _ = try? handle.seekToEnd()
            handle.write(Data("\n[test] still running \(Int(timeout)) s after signal \(signal): killed\n".utf8))
            try? handle.close()
        }
        return -1
    }

    /// How the child ended when it did not end as asked (nil when it did): the reason its log is kept.
    var unexpectedEnding: String? {
        if process.isRunning { return "still running when the test let go of it" }
        let asked = stopping.withLock { $0 }
        if asked.ignoredSignal { return "outlived signal \(asked.signal ?? 0) and was killed" }
        switch process.terminationReason {
        case .exit:
            return process.terminationStatus == 0 ? nil : "exited with status \(process.terminationStatus)"
        case .uncaughtSignal:
            return process.terminationStatus == asked.signal ? nil : "died of signal \(process.terminationStatus)"
        @unknown default:
            return "ended in an unknown way"
        }
    }

    deinit {
        // A child that never started (`init` threw) has no ending to read; `init` removed its log.
        guard process.processIdentifier != 0 else { return }
        let ending = unexpectedEnding
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        if ending == nil, !keepsLog {
            try? FileManager.default.removeItem(at: logURL)
            return
        }
        let command = ([process.executableURL?.lastPathComponent ?? "?"] + (process.arguments ?? []).prefix(1))
            .joined(separator: " ")
        let reason = ending ?? "ended as asked, UNDERSTUDY_KEEP_TEST_LOGS=1"
        TestEnvironment.noteKept(logURL, because: "`\(command)` \(reason)")
    }

    /// Waits until a TCP connection to 127.0.0.1:`port` succeeds. With `process`, stops waiting
    /// as soon as that process has exited and says why (its status and the end of its log: a
    /// port taken meanwhile by another test reads there as "address already in use").
    public static func waitForPort(_ port: Int, of process: BackgroundProcess? = nil, timeout: TimeInterval = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let process, !process.process.isRunning {
                let command = process.process.arguments?.first ?? "process"
                let message = "\(command) exited with \(process.process.terminationStatus) before port \(port) opened "
                    + "(log at \(process.logURL.path)): \(process.log.suffix(600))"
                throw NSError(domain: "understudy-tests", code: 1, userInfo: [NSLocalizedDescriptionKey: message])
            }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            close(fd)
            if result == 0 { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw NSError(
            domain: "understudy-tests", code: 1, userInfo: [NSLocalizedDescriptionKey: "port \(port) never opened"])
    }
}
