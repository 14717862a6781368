import Foundation

/// A run directory that appears whole or not at all: files are written into a hidden temporary
/// sibling (mode 0700, files 0600) that is renamed into place at the end. An existing run is
/// refused unless forced, and then swapped out by rename, so a failure never leaves half of an
/// old run mixed with half of a new one.
public struct RunWorkspace {
    public let final: URL
    public let temporary: URL

    /// Checks the target and creates the temporary directory.
    public init(root: URL, run: String, force: Bool) throws {
        guard !run.isEmpty, !run.hasPrefix("."), !run.contains("/") else {
            throw DistillError("run name \"\(run)\" must be a plain name (no '/', not starting with '.')")
        }
        let fm = FileManager.default
        final = root.appendingPathComponent(run, isDirectory: true)
        if fm.fileExists(atPath: final.path) && !force {
            throw DistillError(
                "run directory \(final.path) already exists; pass --force to replace it or choose another --run")
        }
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        temporary = root.appendingPathComponent(".\(run).tmp-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try fm.createDirectory(
            at: temporary, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    }

    /// Writes a file into the workspace with mode 0600.
    public func write(_ bytes: [UInt8], to name: String) throws {
        let url = temporary.appendingPathComponent(name)
        guard
            FileManager.default.createFile(
                atPath: url.path, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
        else {
            throw DistillError("cannot write \(url.path)")
        }
    }

    /// Moves the finished workspace into place, replacing an existing run when forced.
    public func commit() throws {
        let fm = FileManager.default
        var old: URL?
        if fm.fileExists(atPath: final.path) {
            let aside = final.deletingLastPathComponent().appendingPathComponent(
                ".\(final.lastPathComponent).old-\(UUID().uuidString.prefix(8))")
            try fm.moveItem(at: final, to: aside)
            old = aside
        }
        do {
            try fm.moveItem(at: temporary, to: final)
        } catch {
            if let old { try? fm.moveItem(at: old, to: final) }
            throw DistillError("cannot move \(temporary.path) to \(final.path): \(error)")
        }
        if let old { try? fm.removeItem(at: old) }
    }

    /// Removes the temporary directory after a failure.
    public func discard() { try? FileManager.default.removeItem(at: temporary) }
}
