/// Something wrong in a segment that a reader stepped over: it names the file and byte offset.
/// Records inside a damaged frame are never returned.
public struct ArchiveIssue: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The file ends inside a frame (the writer was killed or the disk filled up).
        case tornTail = "torn_tail"
        /// A frame fails its checksum or does not decode.
        case corruptFrame = "corrupt_frame"
        /// Bytes between frames that are no frame at all.
        case garbage
        /// A line that is not a valid record.
        case badRecord = "bad_record"
        /// The segment has no seek table: its writer did not close it (still writing, or killed).
        case missingSeekTable = "missing_seek_table"
    }

    public var kind: Kind
    public var path: String
    public var offset: Int
    public var message: String

    public init(kind: Kind, path: String, offset: Int, message: String) {
        self.kind = kind
        self.path = path
        self.offset = offset
        self.message = message
    }

    /// A missing seek table loses no data; the other kinds do.
    public var losesData: Bool { kind != .missingSeekTable }

    public var description: String { "\(path): byte \(offset): \(message)" }
}
