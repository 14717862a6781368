import Foundation

/// Polls `condition` until it holds or `seconds` pass; returns whether it held. For a test whose
/// point is that something happens by itself (a background flush, a rotation): a fixed sleep
/// before the check fails on a loaded machine, this waits only as long as the work takes.
public func eventually(within seconds: TimeInterval = 20, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while true {
        if try condition() { return true }
        if Date() >= deadline { return false }
        usleep(10_000)
    }
}
