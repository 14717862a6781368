import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// Starts `understudy mock-upstream` and `understudy record` (the real binary) on free loopback
/// ports with a private config dir, and reads the archive back once the recorder stopped.
final class RecorderHarness {
    let directory: URL
    let mockPort = TestEnvironment.freePort()
    let proxyPort = TestEnvironment.freePort()
    let adminPort = TestEnvironment.freePort()
    let deadPort = TestEnvironment.freePort()
    var mock: BackgroundProcess?
    var recorder: BackgroundProcess?
    var archive: URL { directory.appendingPathComponent("capture") }
    var base: String { "http://127.0.0.1:\(proxyPort)" }

    /// - Parameter cassette: an archive for the mock to replay (`--archive`) instead of `script`.
    init(script: String, mockArguments: [String] = [], config: String? = nil, cassette: URL? = nil) throws {
        let binary = TestEnvironment.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw HarnessError("the understudy binary is missing at \(binary.path): run `swift build --product understudy`")
        }
        directory = try TestEnvironment.temporaryDirectory("recorder-e2e")
        let scriptURL = directory.appendingPathComponent("script.jsonl")
        try Data(script.utf8).write(to: scriptURL)
        let source = cassette.map { ["--archive", $0.path] } ?? ["--script", scriptURL.path]
        mock = try BackgroundProcess(binary, [
            "mock-upstream", "--listen", "127.0.0.1:\(mockPort)", "--threads", "1",
        ] + source + mockArguments)
        var arguments = [
            "record", "--listen", "127.0.0.1:\(proxyPort)", "--upstream", "openai=http://127.0.0.1:\(mockPort)",
            "--upstream", "anthropic=http://127.0.0.1:\(mockPort)", "--upstream", "default=http://127.0.0.1:\(deadPort)",
            "--out", archive.path, "--admin", "127.0.0.1:\(adminPort)", "--threads", "1",
        ]
        if let config {
            let configURL = directory.appendingPathComponent("understudy.toml")
            try Data(config.utf8).write(to: configURL)
            arguments += ["--config", configURL.path]
        }
        recorder = try BackgroundProcess(
            binary, arguments, environment: ["XDG_CONFIG_HOME": directory.appendingPathComponent("config").path])
        try BackgroundProcess.waitForPort(mockPort, of: mock)
        try BackgroundProcess.waitForPort(proxyPort, of: recorder)
    }

    /// Stops the recorder with SIGTERM (it drains and closes the archive) and reads the archive.
    func stopAndRead() throws -> [Exchange] {
        let status = recorder?.stop() ?? -1
        #expect(status == 0, "record exited with \(status): \(recorderLogTail)")
        return try ArchiveReader(path: archive).exchanges().exchanges
    }

    /// Every byte of the archive, decompressed with the zstd CLI.
    func archiveText() throws -> String {
        var text = ""
        for file in try FileManager.default.contentsOfDirectory(atPath: archive.path) {
            let result = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["zstd", "-dc", archive.appendingPathComponent(file).path])
            text += result.stdout
        }
        return text
    }

    func curl(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["curl", "-s", "-S"] + arguments)
    }

    /// Waits until the admin port's `/metrics` shows `metric` (summed over its labels) at `atLeast`
    /// or more, at most `timeout` seconds; returns the last value read. For a test that must know
    /// the recorder has seen something (a client's abort) before it stops it: a fixed sleep is too
    /// short on a loaded machine. A timeout records an issue naming the metric and the last /metrics.
    @discardableResult
    func waitForMetric(_ metric: String, atLeast: Double, timeout: TimeInterval = 20) throws -> Double {
        let deadline = Date().addingTimeInterval(timeout)
        var value = 0.0
        var text = ""
        repeat {
            text = try curl(["http://127.0.0.1:\(adminPort)/metrics"]).stdout
            value = text.split(separator: "\n")
                .filter { $0.hasPrefix(metric + " ") || $0.hasPrefix(metric + "{") }
                .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
                .reduce(0, +)
            if value >= atLeast { return value }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        Issue.record(
            "\(metric) stayed at \(value), below \(atLeast), for \(timeout) s; last /metrics: \(text.suffix(1500))")
        return value
    }

    /// The end of the recorder's log, for the message of an expectation about what it recorded.
    var recorderLogTail: String {
        "recorder log (\(recorder?.logURL.path ?? "none")): …\(recorder?.log.suffix(1500) ?? "")"
    }

    deinit {
        recorder?.stop(signal: SIGKILL)
        mock?.stop()
        if TestEnvironment.keepsTestLogs() {
            TestEnvironment.noteKept(directory, because: "UNDERSTUDY_KEEP_TEST_LOGS=1")
        } else {
            try? FileManager.default.removeItem(at: directory)
        }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
