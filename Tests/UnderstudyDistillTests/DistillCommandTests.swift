import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// `understudy distill` end to end: the built binary on an archive written by ArchiveWriter.
struct DistillCommandTests {
    func binary() throws -> URL {
        let binary = TestEnvironment.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw CLITestError("\(binary.path) is missing: build it first with `swift build --product understudy`")
        }
        return binary
    }

    @Test func cleanWritesCorpusAndRefusesToOverwrite() throws {
        let binary = try binary()
        let root = try TestEnvironment.temporaryDirectory("distill-cli")
        defer { try? FileManager.default.removeItem(at: root) }
        let captures = root.appendingPathComponent("captures")
        try TestExchanges.writeArchive(StageOneTests.captures(), to: captures)
        let runs = root.appendingPathComponent("runs").path
        let arguments = ["distill", "clean", "--from", captures.path, "--run", "r1", "--runs", runs]
        let environment = ["UNDERSTUDY_ANON_KEY": "cli-test-key-0123456789"]

        let first = try ProcessRunner.run(binary, arguments + ["--json"], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        let summary = try JSONValue(parsing: first.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(summary["read"]?.intValue == 10)
        #expect(summary["duplicates"]?["exact"]?.intValue == 2)
        #expect(summary["excluded"]?["http_error"]?.intValue == 1)
        #expect(summary["entries"]?.intValue == 5)
        #expect(FileManager.default.fileExists(atPath: runs + "/r1/corpus.jsonl.zst"))
        #expect(!first.stdout.contains("maria.gonzalez"))

        let again = try ProcessRunner.run(binary, arguments, environment: environment)
        #expect(again.status == 1 && again.stderr.contains("already exists") && again.stderr.contains("--force"))

        let forced = try ProcessRunner.run(
            binary, arguments + ["--force", "--mode", "placeholder"], environment: environment)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout.contains("anonymized (placeholder)"))

        let bad = try ProcessRunner.run(binary, arguments + ["--mode", "scramble"], environment: environment)
        #expect(bad.status == 2)
        let missing = try ProcessRunner.run(
            binary,
            ["distill", "clean", "--from", root.appendingPathComponent("nope").path, "--run", "r9", "--runs", runs])
        #expect(missing.status == 1 && missing.stderr.contains("nope"))
        #expect(!FileManager.default.fileExists(atPath: runs + "/r9"))
    }

    @Test func settingsComeFromUnderstudyTomlAndOptionsWin() throws {
        let binary = try binary()
        let root = try TestEnvironment.temporaryDirectory("distill-toml")
        defer { try? FileManager.default.removeItem(at: root) }
        let captures = root.appendingPathComponent("captures")
        try TestExchanges.writeArchive(StageOneTests.captures(), to: captures)
        let runs = root.appendingPathComponent("configured-runs").path
        let config = root.appendingPathComponent("understudy.toml")
        try "[distill]\nruns = \"\(runs)\"\nmode = \"placeholder\"\nnear_dedup = false\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let environment = ["UNDERSTUDY_ANON_KEY": "cli-test-key-0123456789"]
        let base = ["distill", "clean", "--from", captures.path, "--config", config.path]

        let fromFile = try ProcessRunner.run(binary, base + ["--run", "t1", "--json"], environment: environment)
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        let summary = try JSONValue(parsing: fromFile.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(summary["anonymization"]?["mode"]?.stringValue == "placeholder")
        #expect(FileManager.default.fileExists(atPath: runs + "/t1/corpus.jsonl.zst"))

        let overridden = try ProcessRunner.run(
            binary, base + ["--run", "t2", "--mode", "surrogate"], environment: environment)
        #expect(overridden.status == 0, "\(overridden.stderr)")
        #expect(overridden.stdout.contains("anonymized (surrogate)"))

        try "[distill]\nnear_treshold = 0.8\n".write(to: config, atomically: true, encoding: .utf8)
        let typo = try ProcessRunner.run(binary, base + ["--run", "t3"], environment: environment)
        #expect(typo.status == 1 && typo.stderr.contains("near_treshold") && typo.stderr.contains(config.path))
        try "[distill]\nnear_threshold = 1.5\n".write(to: config, atomically: true, encoding: .utf8)
        let range = try ProcessRunner.run(binary, base + ["--run", "t4"], environment: environment)
        #expect(range.status == 1 && range.stderr.contains("near_threshold must be in (0, 1]"))
        #expect(!FileManager.default.fileExists(atPath: runs + "/t3") && !FileManager.default.fileExists(atPath: runs + "/t4"))
    }

    @Test func distillWithoutSubcommandRunsEveryStage() throws {
        let binary = try binary()
        let root = try TestEnvironment.temporaryDirectory("distill-all")
        defer { try? FileManager.default.removeItem(at: root) }
        let captures = root.appendingPathComponent("captures")
        try TestExchanges.writeArchive(StageOneTests.captures(), to: captures)
        let runs = root.appendingPathComponent("runs").path
        let result = try ProcessRunner.run(
            binary,
            ["distill", "--from", captures.path, "--run", "all1", "--runs", runs, "--hashing-embedder", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: runs + "/all1/stage1.json"))
        #expect(FileManager.default.fileExists(atPath: runs + "/all1/stage2.json"))
    }

    @Test func datasetsStepRewritesSplitsFromTheStoredClustering() throws {
        let binary = try binary()
        let root = try TestEnvironment.temporaryDirectory("distill-datasets")
        defer { try? FileManager.default.removeItem(at: root) }
        let captures = root.appendingPathComponent("captures")
        try TestExchanges.writeArchive(StageOneTests.captures(), to: captures)
        let runs = root.appendingPathComponent("runs").path
        let all = try ProcessRunner.run(
            binary,
            ["distill", "--from", captures.path, "--run", "d1", "--runs", runs, "--hashing-embedder",
             "--min-cluster-size", "2", "--json"])
        #expect(all.status == 0, "\(all.stderr)")
        let arguments = ["distill", "datasets", "--run", "d1", "--runs", runs, "--json"]

        func splits(_ extra: [String]) throws -> [String: [Int]] {
            let result = try ProcessRunner.run(binary, arguments + extra)
            #expect(result.status == 0, "\(result.stderr)")
            let summary = try JSONValue(parsing: result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            var counts: [String: [Int]] = [:]
            for c in summary["clusters"]?.arrayValue ?? [] {
                counts[c["id"]?.stringValue ?? ""] = ["train", "val", "test"].map { c[$0]?.intValue ?? -1 }
            }
            return counts
        }
        let standard = try splits([])
        #expect(!standard.isEmpty)
        let allTest = try splits(["--test-share", "0.99", "--val-share", "0"])
        // Same clusters and members, another split: nearly everything is now test data.
        #expect(Set(allTest.keys) == Set(standard.keys))
        for (id, counts) in allTest {
            #expect(counts.reduce(0, +) == standard[id]!.reduce(0, +))
            #expect(counts[2] >= counts[0], "cluster \(id): \(counts)")
        }
        let testFile = runs + "/d1/clusters/" + standard.keys.sorted()[0] + "/test.jsonl"
        #expect(FileManager.default.contents(atPath: testFile).map { !$0.isEmpty } == true)

        try FileManager.default.removeItem(atPath: runs + "/d1/assignments.jsonl")
        let broken = try ProcessRunner.run(binary, arguments)
        #expect(broken.status == 1 && broken.stderr.contains("assignments.jsonl") && broken.stderr.contains("distill cluster"))
        let badShares = try ProcessRunner.run(binary, arguments + ["--test-share", "0.7", "--val-share", "0.5"])
        #expect(badShares.status == 2)
    }
}

struct CLITestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
