import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// The official SDKs against injected upstream faults through `record` (tools/e2e/fault_clients.py),
/// and the recorder's memory under a few hundred faulty requests.
@Suite(.serialized)
struct HardeningSDKFaultTests {
    static func driver(_ arguments: [String]) throws -> ProcessResult? {
        try HardeningScript.run("tools/e2e/fault_clients.py", arguments)
    }

    @Test func sdksSeeTheUpstreamsFaultsAsTheyWere() throws {
        let harness = try RecorderHarness(script: HardeningFaultTests.script, mockArguments: ["--retry-after", "1"])
        guard let run = try Self.driver(["sdk", harness.base]) else { return }
        #expect(run.status == 0, "driver failed: \(run.stderr)")
        var lines: [String: JSONValue] = [:]
        for line in run.stdout.split(separator: "\n") {
            guard let value = try? JSONValue(parsing: Array(line.utf8)), let name = value["name"]?.stringValue else { continue }
            lines[name] = value
        }
        let answer = HardeningFaultTests.answer
        #expect(lines["plain_stream"]?["text"]?.stringValue == answer)
        #expect(lines["openai_429"]?["error"]?.stringValue == "RateLimitError")
        #expect(lines["openai_429"]?["retry_after"]?.stringValue == "1")
        // The SDK honours retry-after: one retry, about a second later.
        #expect(lines["openai_429_retried"]?["error"]?.stringValue == "RateLimitError")
        #expect((lines["openai_429_retried"]?["seconds"]?.doubleValue ?? 0) >= 0.9)
        #expect(lines["openai_500"]?["status"]?.intValue == 500)
        #expect(lines["anthropic_529"]?["status"]?.intValue == 529)
        // A reset or a stall ends the SDK's stream with an error, never a silent short answer or a hang.
        for name in ["openai_reset_stream", "openai_stall_stream"] {
            #expect(lines[name]?["error"] != nil && lines[name]?["text"] == nil, "\(name): \(lines[name]?.serialized() ?? "missing")")
            #expect((lines[name]?["seconds"]?.doubleValue ?? 99) < 6, "\(name) took too long")
        }
        // A malformed event reaches the SDK as it was sent (the SDK's JSON decoder rejects it).
        #expect(lines["openai_malformed_stream"]?["error"]?.stringValue == "JSONDecodeError")
        #expect(lines["openai_trickle_stream"]?["text"]?.stringValue == answer)

        let exchanges = try harness.stopAndRead()
        // 9 scenarios, the retried one twice.
        #expect(exchanges.count == 10, "\(harness.recorderLogTail)")
        #expect(exchanges.filter { $0.response?.status == 429 }.count == 3)
    }

    @Test func recorderMemoryStaysFlatUnderFaultyUpstream() throws {
        let harness = try RecorderHarness(script: HardeningFaultTests.script, mockArguments: [
            "--fault", "reset-mid-stream", "--fault", "stall", "--fault", "malformed-sse", "--fault", "status:500",
            "--fault", "trickle", "--fault-rate", "0.8", "--trickle-ms", "0",
        ])
        guard let pid = harness.recorder?.process.processIdentifier,
            let run = try Self.driver(["load", harness.base, String(pid), "400", "16"])
        else { return }
        #expect(run.status == 0, "driver failed: \(run.stderr)")
        let report = try JSONValue(parsing: Array(run.stdout.utf8))
        let rss = report["rss_kb"]?.arrayValue?.compactMap(\.intValue) ?? []
        #expect(rss.count == 3)
        let outcomes = report["outcomes"]?.objectValue ?? []
        #expect(outcomes.count >= 3, "expected several kinds of outcome: \(report.serialized())")
        if rss.count == 3 {
            let warm = Double(rss[1])
            let end = Double(rss[2])
            // After warm-up, 320 more faulty requests may not grow RSS by more than 10% (+ 4 MiB of allocator slack).
            #expect(end <= warm * 1.10 + 4096, "RSS grew from \(rss[1]) kB to \(rss[2]) kB: \(report.serialized())")
        }
        let exchanges = try harness.stopAndRead()
        #expect(exchanges.count == 400, "every request is archived, faulty or not")
    }
}
