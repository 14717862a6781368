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

/// A long-running child (a server under test); terminated when stopped or deallocated.
public final class BackgroundProcess: @unchecked Sendable {
    public let process = Process()
    public let logURL: URL

    public init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("understudy-bg-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logURL)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
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
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        guard process.isRunning else {
            process.waitUntilExit()
            return process.terminationStatus
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        if let handle = try? FileHandle(forWritingTo: logURL) {
            _ = try? handle.seekToEnd()
            handle.write(Data("\n[test] still running \(Int(timeout)) s after signal \(signal): killed\n".utf8))
            try? handle.close()
        }
        return -1
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Waits until a TCP connection to 127.0.0.1:`port` succeeds. With `process`, stops waiting
    /// as soon as that process has exited and says why (its status and the end of its log: a
    /// port taken meanwhile by another test reads there as "address already in use").
    public static func waitForPort(_ port: Int, of process: BackgroundProcess? = nil, timeout: TimeInterval = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let process, !process.process.isRunning {
                throw NSError(domain: "understudy-tests", code: 1, userInfo: [NSLocalizedDescriptionKey:
                    "\(process.process.arguments?.first ?? "process") exited with \(process.process.terminationStatus) before port \(port) opened: \(process.log.suffix(600))"])
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
        throw NSError(domain: "understudy-tests", code: 1, userInfo: [NSLocalizedDescriptionKey: "port \(port) never opened"])
    }
}
