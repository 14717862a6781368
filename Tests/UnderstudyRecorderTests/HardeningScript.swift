import Foundation
import Testing
import UnderstudyTestSupport

/// Runs one of the repository's Python drivers (tools/…) with the project's .venv, or records
/// an issue and returns nil when .venv is missing.
enum HardeningScript {
    static func run(_ path: String, _ arguments: [String]) throws -> ProcessResult? {
        let python = TestEnvironment.python
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            Issue.record("missing \(python.path): run tools/setup")
            return nil
        }
        let script = TestEnvironment.repositoryRoot.appendingPathComponent(path)
        return try ProcessRunner.run(python, [script.path] + arguments)
    }
}
