import Foundation
import UnderstudyArchive

/// The corpus of a distillation run: `distill/runs/RUN/corpus.jsonl.zst`, an archive segment of
/// corpus records (see `CorpusEntry.envelope`). An empty corpus is an empty file.
///
/// ```swift
/// let entries = try Corpus.read(run: "r1")
/// let traffic = entries.reduce(0) { $0 + $1.count }
/// ```
public enum Corpus {
    public static let fileName = "corpus.jsonl.zst"
    public static let reportName = "stage1.json"

    /// `ROOT/RUN`, ROOT defaulting to `distill/runs` under the current directory.
    public static func runDirectory(run: String, root: URL? = nil) -> URL {
        (root ?? URL(fileURLWithPath: "distill/runs")).appendingPathComponent(run, isDirectory: true)
    }

    /// Every entry of a run's corpus, in the order written (by first appearance in the captures).
    public static func read(run: String, root: URL? = nil) throws -> [CorpusEntry] {
        try read(file: runDirectory(run: run, root: root).appendingPathComponent(fileName)).entries
    }

    /// Entries of a corpus file and what was damaged in it. Throws when the file is missing or
    /// not a corpus, naming the file.
    public static func read(file: URL) throws -> (entries: [CorpusEntry], issues: [ArchiveIssue]) {
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: file.path) } catch {
            throw DistillError("\(file.path) does not exist: run `understudy distill` first")
        }
        if (attributes[.size] as? Int ?? 0) == 0 { return ([], []) }
        var entries: [CorpusEntry] = []
        var failure: (any Error)?
        let issues = try ArchiveReader(path: file).scan { exchange in
            guard failure == nil else { return }
            do { entries.append(try CorpusEntry(envelope: exchange)) } catch { failure = error }
        }
        if let failure { throw DistillError("\(file.path): \(failure)") }
        return (entries, issues)
    }
}
