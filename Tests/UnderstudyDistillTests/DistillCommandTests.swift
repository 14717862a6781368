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
}

struct CLITestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
