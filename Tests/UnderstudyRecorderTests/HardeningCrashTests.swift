import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// Short versions of tools/bench/reliability's crash and disk-full runs on the real binary.
@Suite(.serialized)
struct HardeningCrashTests {
    static func reliability(_ arguments: [String]) throws -> JSONValue? {
        guard let run = try HardeningScript.run("tools/bench/reliability", arguments + ["--json"]) else { return nil }
        #expect(run.status == 0, "reliability \(arguments) failed: \(run.stderr.suffix(2000))")
        return try? JSONValue(parsing: Array(run.stdout.utf8))
    }

    /// kill -9 under load, three times: the archive verifies (after repair where needed) and keeps
    /// every exchange that finished before the kill. The bench uses one flush interval (200 ms) of
    /// grace; here a second, because a loaded CI machine can stall the writer thread that long.
    @Test func killedRecorderLeavesAVerifiableArchiveWithEveryFinishedExchange() throws {
        guard let result = try Self.reliability(["crash", "--kills", "3", "--grace-ms", "1000"])?["crash"] else { return }
        #expect(result["kills"]?.intValue == 3)
        #expect(result["verify_failed"]?.intValue == 0, "\(result.serialized())")
        #expect((result["checked"]?.intValue ?? 0) > 0, "no exchange finished before a kill: \(result.serialized())")
        #expect(result["lost"]?.intValue == 0, "exchanges lost: \(result.serialized())")
    }

    /// --out on a 2 MiB tmpfs that fills up: clients see no error, the metrics count the drops,
    /// and recording resumes when space returns. Needs root for mount; skipped with a note otherwise.
    @Test func fullDiskCostsRecordsNeverRequests() throws {
        guard let result = try Self.reliability(["diskfull"])?["diskfull"] else { return }
        if let reason = result["skipped"]?.stringValue {
            print("HardeningCrashTests.fullDiskCostsRecordsNeverRequests skipped: \(reason)")
            return
        }
        let full = result["full_phase_client_outcomes"]
        let resumed = result["resumed_phase_client_outcomes"]
        #expect(full?.objectValue?.count == 1 && (full?["ok"]?.intValue ?? 0) > 0, "clients saw errors: \(result.serialized())")
        #expect(resumed?.objectValue?.count == 1 && (resumed?["ok"]?.intValue ?? 0) > 0, "\(result.serialized())")
        #expect((result["dropped_while_full"]?.intValue ?? 0) > 0, "drops not counted: \(result.serialized())")
        #expect(result["resumed_recorded"] == result["resumed_sent"], "recording did not resume: \(result.serialized())")
        #expect(result["verify_ok"]?.boolValue == true, "\(result.serialized())")
    }
}
