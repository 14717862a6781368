import Foundation

/// Finds and runs the Python trainer: the repository root, its `.venv`, the run directory.
struct TrainerProcess {
    var root: URL
    var runDirectory: URL

    var python: URL { root.appendingPathComponent(".venv/bin/python") }
    var logURL: URL { runDirectory.appendingPathComponent("train.log") }

    /// Packages the trainer imports; a missing one is reported by name before training starts.
    static let packages = ["torch", "transformers", "tokenizers", "safetensors", "accelerate", "peft", "numpy"]

    /// Resolves `run` (a name under distill/runs/ or a path) and the repository root holding
    /// `distill/trainer`: $UNDERSTUDY_HOME, else the run directory's ancestors, else the current
    /// directory's, else the binary's (a build inside the repository).
    static func locate(run: String) throws -> TrainerProcess {
        let fileManager = FileManager.default
        let current = URL(fileURLWithPath: fileManager.currentDirectoryPath)
        let runPath = URL(fileURLWithPath: run, relativeTo: current).standardizedFileURL
        let looksLikePath =
            run.contains("/") || fileManager.fileExists(atPath: runPath.appendingPathComponent("clusters").path)

        var root: URL?
        if let home = ProcessInfo.processInfo.environment["UNDERSTUDY_HOME"], !home.isEmpty {
            let url = URL(fileURLWithPath: home).standardizedFileURL
            guard isRoot(url) else {
                throw CLIError(
                    "UNDERSTUDY_HOME=\(home) holds no distill/trainer: point it at the understudy repository")
            }
            root = url
        }
        if root == nil, looksLikePath { root = ancestorRoot(of: runPath) }
        if root == nil { root = ancestorRoot(of: current) }
        if root == nil {
            // A binary built in the repository (.build/release/understudy) knows where it lives.
            let executable = URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: current)
                .resolvingSymlinksInPath()
            root = ancestorRoot(of: executable.deletingLastPathComponent())
        }
        guard let root else {
            throw CLIError(
                "cannot find the understudy repository (a directory with distill/trainer) above \(current.path) "
                    + "or the binary: run from inside it or set UNDERSTUDY_HOME")
        }
        let runDirectory = looksLikePath ? runPath : root.appendingPathComponent("distill/runs/\(run)")
        guard fileManager.fileExists(atPath: runDirectory.appendingPathComponent("clusters").path) else {
            throw CLIError(
                "\(runDirectory.appendingPathComponent("clusters").path) is missing: "
                    + "run `understudy distill --from CAPTURES --run \(run)` first")
        }
        return TrainerProcess(root: root, runDirectory: runDirectory)
    }

    private static func isRoot(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent("distill/trainer/__main__.py").path)
    }

    private static func ancestorRoot(of start: URL) -> URL? {
        var url = start
        while true {
            if isRoot(url) { return url }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
    }

    /// Fails with the fix (`tools/setup`) when `.venv` or one of the trainer's packages is missing.
    func checkEnvironment() throws {
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw CLIError(
                "the Python engine is missing: no \(python.path). "
                    + "Run tools/setup (creates .venv with distill/requirements.txt)")
        }
        let probe = """
            import importlib.util, sys
            missing = [n for n in sys.argv[1:] if importlib.util.find_spec(n) is None]
            print(" ".join(missing))
            """
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", probe] + Self.packages
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            throw CLIError("cannot start \(python.path): \(error). Run tools/setup to recreate .venv")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let missing = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            throw CLIError(
                "\(python.path) does not run (exit \(process.terminationStatus)). Run tools/setup to recreate .venv")
        }
        if !missing.isEmpty {
            throw CLIError("Python packages missing from \(root.path)/.venv: \(missing). Run tools/setup")
        }
    }

    /// Runs `python -m distill.trainer ARGS` in the repository root, calling `onEvent` for each
    /// JSON line it prints; its stderr goes to train.log.
    func run(_ arguments: [String], onEvent: ([String: Any]) -> Void) throws -> (status: Int32, events: Int) {
        let process = Process()
        process.executableURL = python
        process.arguments = ["-m", "distill.trainer"] + arguments
        process.currentDirectoryURL = root
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONUNBUFFERED"] = "1"
        environment["TOKENIZERS_PARALLELISM"] = "false"
        process.environment = environment
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        defer { try? log.close() }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = log
        do { try process.run() } catch { throw CLIError("cannot start the trainer \(python.path): \(error)") }

        var buffer = Data()
        var count = 0
        let reader = output.fileHandleForReading
        while true {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[buffer.index(after: newline)...])
                guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else { continue }
                count += 1
                onEvent(object)
            }
        }
        process.waitUntilExit()
        return (process.terminationStatus, count)
    }
}
