/// Errors of the archive: each says what failed and where (file, byte offset, record id).
public enum ArchiveError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file is not a segment written by Understudy.
    case notASegment(path: String, reason: String)
    /// The segment's format version is unknown to this reader.
    case unsupportedVersion(path: String, version: Int)
    /// The segment's line scheme is unknown to this reader (written by a newer writer).
    case unsupportedScheme(path: String, scheme: String)
    /// A system call failed.
    case io(path: String, operation: String, errno: Int32)
    /// zstd reported an error.
    case zstd(operation: String, message: String)
    /// The writer was closed or failed and accepts nothing more.
    case closed
    /// Something else that names its place.
    case invalid(String)

    public var description: String {
        switch self {
        case .notASegment(let path, let reason):
            return "\(path) is not an Understudy archive segment: \(reason)"
        case .unsupportedVersion(let path, let version):
            return
                "\(path) has archive format version \(version); this reader knows versions \(SegmentFormat.readableVersions.map(String.init).joined(separator: " and ")) — upgrade understudy to read it"
        case .unsupportedScheme(let path, let scheme):
            let known = LineScheme.readable.sorted().joined(separator: ", ")
            return "\(path) has line scheme \(scheme); this reader knows \(known) — upgrade understudy to read it"
        case .io(let path, let operation, let code):
            return "\(operation) \(path) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .zstd(let operation, let message):
            return "zstd \(operation) failed: \(message)"
        case .closed:
            return "the archive writer is closed"
        case .invalid(let message):
            return message
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
