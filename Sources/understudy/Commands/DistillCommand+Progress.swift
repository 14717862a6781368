import ConsoleKitTerminal
import Foundation
import Logging
import UnderstudyDistill

/// Stage progress: a console-kit progress bar per phase while stdout is a terminal (it is erased
/// and replaced by a `[Done]` line when the phase ends), a log line per phase otherwise, so
/// `--json` output and redirected output stay clean.
final class DistillProgress: @unchecked Sendable {
    private let terminal: Terminal?
    private let lock = NSLock()
    private var phase = ""
    private var bar: ActivityIndicator<ProgressBar>?
    private var logger = Logger(label: "understudy.distill")

    /// - Parameter bars: false for `--json`, whose stdout must hold JSON only.
    init(bars: Bool) {
        terminal = bars && isatty(STDOUT_FILENO) == 1 ? Terminal() : nil
    }

    func update(_ progress: StageOneProgress) {
        lock.withLock {
            if progress.phase != phase {
                bar?.succeed()
                bar = nil
                phase = progress.phase
                if let terminal {
                    let indicator = terminal.progressBar(title: progress.phase)
                    indicator.start(refreshRate: 100)
                    bar = indicator
                } else {
                    logger.info("distill: \(progress.phase)")
                }
            }
            guard let bar else { return }
            // The bar shows the fraction; the title carries the count, and for the phase whose
            // total is not known yet (reading archives) only the count.
            if let total = progress.total, total > 0 {
                bar.activity.currentProgress = Double(progress.done) / Double(total)
                bar.activity.title = "\(progress.phase) \(progress.done)/\(total)"
            } else {
                bar.activity.title = "\(progress.phase) \(progress.done) records"
            }
        }
    }

    /// Ends the current bar: `[Done]` after success, `[Failed]` when the stage threw.
    func finish(succeeded: Bool) {
        lock.withLock {
            if succeeded { bar?.succeed() } else { bar?.fail() }
            bar = nil
        }
    }
}
