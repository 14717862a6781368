import Foundation
import Logging
import UnderstudyDistill

/// Stage progress: a redrawn bar on a terminal, a log line per phase otherwise.
final class DistillProgress: @unchecked Sendable {
    private let terminal = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()
    private var phase = ""
    private var logger = Logger(label: "understudy.distill")

    func update(_ progress: StageOneProgress) {
        lock.lock()
        defer { lock.unlock() }
        if terminal {
            var line = "\r\u{1B}[2K\(progress.phase) "
            if let total = progress.total, total > 0 {
                let width = 30
                let filled = min(width, progress.done * width / total)
                line +=
                    "[" + String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
                    + "] \(progress.done)/\(total)"
            } else {
                line += "\(progress.done) records"
            }
            FileHandle.standardError.write(Data(line.utf8))
        } else if progress.phase != phase {
            logger.info("distill: \(progress.phase)")
        }
        phase = progress.phase
    }

    func finish() {
        if terminal && !phase.isEmpty { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}
