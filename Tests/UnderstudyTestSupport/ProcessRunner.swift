import Foundation
import Synchronization

/// Runs a command to completion and captures its output.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

public enum ProcessRunner {
    /// Runs `executable` with `arguments`, waiting for it to exit. With `timeout` (seconds) a
    /// child still running then is killed (SIGKILL) and its stderr ends with a note saying so,
    /// so a hung child fails its test instead of hanging the suite.
    @discardableResult
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:],
        currentDirectory: URL? = nil, stdin: Data? = nil, timeout: TimeInterval? = nil
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        let killed = KillFlag()
        if let timeout {
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                killed.state.withLock { state in
                    guard state == .running else { return }
                    state = .killed
                    kill(pid, SIGKILL)
                }
            }
        }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child cannot deadlock on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        var stderr = String(decoding: errData, as: UTF8.self)
        let state = killed.state.withLock { state in
            if state == .running { state = .exited }
            return state
        }
        if state == .killed { stderr += "\n[killed after the test's timeout of \(timeout ?? 0) s]" }
        return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: stderr)
    }

    /// Runs the `understudy` binary.
    @discardableResult
    public static func understudy(_ arguments: [String], environment: [String: String] = [:], stdin: Data? = nil)
        throws -> ProcessResult
    {
        try run(TestEnvironment.binary, arguments, environment: environment, stdin: stdin)
    }
}

/// Set when `ProcessRunner.run` killed a child at its timeout.
private final class KillFlag: Sendable {
    enum State { case running, exited, killed }
    let state = Mutex(State.running)
}
