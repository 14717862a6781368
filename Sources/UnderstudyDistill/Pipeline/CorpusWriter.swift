import Foundation
import UnderstudyArchive

/// Writes corpus records with `ArchiveWriter` into a scratch directory of the workspace and
/// moves the single segment to `corpus.jsonl.zst` (mode 0600).
enum CorpusWriter {
    static func write(_ entries: [(CorpusEntry, Exchange.Capture.Mode, String)], into workspace: RunWorkspace) throws {
        let target = workspace.temporary.appendingPathComponent(Corpus.fileName)
        guard !entries.isEmpty else {
            try workspace.write([], to: Corpus.fileName)
            return
        }
        let scratch = workspace.temporary.appendingPathComponent(".segments", isDirectory: true)
        let writer = try ArchiveWriter(
            configuration: ArchiveWriterConfiguration(
                directory: scratch, queueCapacity: entries.count + 16, flushInterval: .seconds(60),
                rotateBytes: Int.max / 2,
                rotateAge: .seconds(86_400 * 365), writerName: "understudy-distill"))
        for (entry, mode, target) in entries {
            guard writer.append(entry.envelope(target: target, captureMode: mode)) else {
                throw DistillError("the corpus writer dropped record \(entry.id)")
            }
        }
        try writer.close()
        let counters = writer.counters
        guard counters.written == entries.count, counters.dropped == 0 else {
            throw DistillError(
                "the corpus writer wrote \(counters.written) of \(entries.count) records: \(counters.lastError ?? "unknown error")"
            )
        }
        let segments = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter {
            $0.hasSuffix(".jsonl.zst")
        }
        guard segments.count == 1 else {
            throw DistillError("the corpus writer produced \(segments.count) segments in \(scratch.path), expected 1")
        }
        try FileManager.default.moveItem(at: scratch.appendingPathComponent(segments[0]), to: target)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target.path)
        try FileManager.default.removeItem(at: scratch)
    }
}
