import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// `understudy replay` and `understudy report`, the built binary on a small hand-written run
/// against the fake specialist endpoint.
struct ReplayCommandTests {
    static func binary() throws -> URL {
        let binary = TestEnvironment.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw FixtureError("\(binary.path) is missing: build it first with `swift build --product understudy`")
        }
        return binary
    }

    static func json(_ result: ProcessResult) throws -> JSONValue {
        do {
            return try JSONValue(parsing: result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw FixtureError("not JSON (status \(result.status)): \(result.stdout.prefix(500))\n\(result.stderr.suffix(2000))")
        }
    }

    static func cluster(_ report: JSONValue, _ id: String) -> JSONValue? {
        report["clusters"]?.arrayValue?.first { $0["id"]?.stringValue == id }
    }

    static func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    @Test func replayThenReportOnASmallRun() throws {
        let binary = try Self.binary()
        let server = try FakeSpecialist()
        let root = try TestEnvironment.temporaryDirectory("replay-cli")
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try SmallRun.write(in: root)

        let replay = try ProcessRunner.run(
            binary, ["replay", "--run", run.path, "--target", server.url, "--timeout", "3", "--json"], timeout: 120)
        #expect(replay.status == 0, "\(replay.stderr)")
        let report = try Self.json(replay)
        let orders = try #require(Self.cluster(report, "c000"))
        #expect(orders["replayed"]?.intValue == 12)
        #expect(orders["match"]?.intValue == 7)
        #expect(orders["mismatch"]?.intValue == 1)
        #expect(orders["error"]?.intValue == 4)
        // The wrong answer was less sure (0.37) than the right ones (0.99): the proposed
        // threshold sits above it, covering the six sure right answers.
        let threshold = try #require(orders["proposed"]?["threshold"]?.doubleValue)
        #expect(abs(threshold - exp(-0.01)) < 1e-4)
        #expect(abs((orders["proposed"]?["at_threshold"]?["coverage"]?.doubleValue ?? 0) - 0.5) < 1e-6)
        // The cluster without a specialist is reported, as not covered.
        let weather = try #require(Self.cluster(report, "c001"))
        #expect(weather["specialist"]?.boolValue == false)
        #expect(weather["no_specialist"]?.intValue == 4)
        #expect(weather["proposed"]?["threshold"] == .null)
        // Overall: half of c000 (12 of 20 recorded calls) is covered.
        #expect(abs((report["overall"]?["coverage"]?.doubleValue ?? 0) - 0.3) < 1e-6)

        let verdicts = Self.text(run.appendingPathComponent("replay/verdicts.jsonl")).split(separator: "\n")
        #expect(verdicts.count == 16)
        #expect(verdicts.contains { $0.contains(#""id":"o7""#) && $0.contains("HTTP 500") })
        #expect(verdicts.contains { $0.contains(#""id":"o10""#) && $0.contains("timeout") })
        let thresholds = try JSONValue(parsing: Array(Self.text(run.appendingPathComponent("replay/thresholds.json")).utf8))
        #expect(thresholds["clusters"]?[0]?["threshold"]?.doubleValue != nil)
        #expect(thresholds["clusters"]?[1]?["threshold"] == .null)

        let html = Self.text(run.appendingPathComponent("report/index.html"))
        #expect(html.contains("c001") && html.contains("not covered"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 4)
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href=\"http"))
        // The misses are counted and their reasons shown (most frequent first, then by name).
        #expect(html.contains("No usable answer for 4 exchanges") && html.contains("HTTP 500"))
        let markdown = Self.text(run.appendingPathComponent("report/report.md"))
        #expect(markdown.contains("| c001 | weather questions |") && markdown.contains("not covered"))
        let reportJSON = try JSONValue(parsing: Array(Self.text(run.appendingPathComponent("report/report.json")).utf8))
        #expect(reportJSON["clusters"]?.arrayValue?.count == 2)

        // `report` re-reads the verdicts: a 10% error target lets c000 answer the unsure (0.05) too.
        let again = try ProcessRunner.run(
            binary, ["report", "--run", run.path, "--target-error", "0.1", "--json"], timeout: 60)
        #expect(again.status == 0, "\(again.stderr)")
        let loose = try #require(Self.cluster(try Self.json(again), "c000"))
        #expect((loose["proposed"]?["threshold"]?.doubleValue ?? 1) <= exp(-3.0))
        #expect(abs((loose["proposed"]?["at_threshold"]?["coverage"]?.doubleValue ?? 0) - 7.0 / 12) < 1e-6)
        let rewritten = try JSONValue(parsing: Array(Self.text(run.appendingPathComponent("replay/thresholds.json")).utf8))
        #expect((rewritten["clusters"]?[0]?["threshold"]?.doubleValue ?? 1) <= exp(-3.0))
    }

    @Test func badUsageAndMissingVerdictsAreExplained() throws {
        let binary = try Self.binary()
        let root = try TestEnvironment.temporaryDirectory("replay-cli-bad")
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try SmallRun.write(in: root)
        let noVerdicts = try ProcessRunner.run(binary, ["report", "--run", run.path], timeout: 60)
        #expect(noVerdicts.status == 1)
        #expect(noVerdicts.stderr.contains("verdicts.jsonl") && noVerdicts.stderr.contains("understudy replay"))
        let badTarget = try ProcessRunner.run(binary, ["replay", "--run", run.path, "--target", "ftp://x"], timeout: 60)
        #expect(badTarget.status == 2)
        #expect(badTarget.stderr.contains("--target"))
        let noRun = try ProcessRunner.run(binary, ["replay", "--run", root.appendingPathComponent("nope").path], timeout: 60)
        #expect(noRun.status == 1)
        #expect(noRun.stderr.contains("clusters.json"))
    }
}
