import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// `record`'s recording threads: named so `top -H` and profilers show them, run at the niceness
/// `[record] recording_nice` asks for, and the archive settings are checked.
@Suite(.serialized)
struct RecordingThreadsTests {
    /// name → nice value of each thread of a process, from /proc.
    static func threads(of pid: Int32) -> [String: Int] {
        var out: [String: Int] = [:]
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        for task in tasks {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/stat", encoding: .utf8),
                let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // After the name: state is field 3, nice field 19 of stat(5): index 16 here.
            out[String(stat[stat.index(after: open)..<close])] = fields.count > 16 ? Int(fields[16]) : nil
        }
        return out
    }

    @Test func recordingThreadsAreNamedAndRunAtTheConfiguredNiceness() throws {
        let config = """
            [record]
            recording_nice = 5
            compression_level = 3
            adaptive_compression = false
            """
        let harness = try RecorderHarness(script: #"{"response": {"content": "fine", "tool_calls": []}}"#, config: config)
        let result = try harness.curl([
            "-H", "content-type: application/json", "-d", #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#,
            "\(harness.base)/v1/chat/completions",
        ])
        #expect(result.stdout.contains("fine"))
        let pid = harness.recorder?.process.processIdentifier ?? 0
        var threads: [String: Int] = [:]
        let deadline = Date().addingTimeInterval(10)
        repeat {
            threads = Self.threads(of: pid)
            if threads["us-recorder"] != nil && threads["us-archive"] != nil { break }
            usleep(20_000)
        } while Date() < deadline
        #expect(threads["us-recorder"] == 5, "\(threads)")
        #expect(threads["us-archive"] == 5, "\(threads)")
        #expect(threads.filter { $0.key.hasPrefix("NIO-ELT") }.values.allSatisfy { $0 == 0 }, "\(threads)")
        #expect(try harness.stopAndRead().count == 1)
    }

    @Test func outOfRangeSettingsAreRefusedNamingTheKey() throws {
        let directory = try TestEnvironment.temporaryDirectory("record-settings")
        defer { try? FileManager.default.removeItem(at: directory) }
        for (line, key) in [("recording_nice = 40", "recording_nice"), ("compression_level = 0", "compression_level")] {
            let file = directory.appendingPathComponent("understudy.toml")
            try Data("[record]\n\(line)\n".utf8).write(to: file)
            let result = try ProcessRunner.understudy(
                ["record", "--config", file.path, "--upstream", "openai=http://127.0.0.1:9", "--out", directory.path],
                environment: ["XDG_CONFIG_HOME": directory.path])
            #expect(result.status == 1, "\(line): \(result.stderr)")
            #expect(result.stderr.contains(key) && result.stderr.contains(file.path), "\(result.stderr)")
        }
    }
}
