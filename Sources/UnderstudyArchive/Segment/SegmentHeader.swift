/// The metadata at the start of every segment: format name and version, the writer, when the
/// segment was opened and which line scheme its frames use.
public struct SegmentHeader: Sendable, Equatable {
    public var version: Int
    public var writer: String
    public var createdMicros: Int64
    /// The line scheme: `"plain"` (Exchange lines as `Exchange.jsonLine()` writes them) or
    /// `"dedup-2"` (lines that refer back to earlier lines of the segment and leave out what can
    /// be derived; see README.md), or `"dedup-1"`, its earlier form, still read.
    public var scheme: String

    /// `version`: nil for the version `scheme` calls for (`SegmentFormat.version(for:)`).
    public init(version: Int? = nil, writer: String, createdMicros: Int64, scheme: String) {
        self.version = version ?? SegmentFormat.version(for: scheme)
        self.writer = writer
        self.createdMicros = createdMicros
        self.scheme = scheme
    }

    var json: JSONValue {
        [
            "format": .string(SegmentFormat.formatName), "version": .int(version), "writer": .string(writer),
            "created": .string(RFC3339.format(micros: createdMicros)), "scheme": .string(scheme),
        ]
    }

    /// The header as a skippable frame.
    func frame() -> [UInt8] {
        SegmentFormat.skippableFrame(magic: SegmentFormat.headerMagic, payload: json.serializedBytes())
    }

    /// Decodes a header payload; throws when it is not an Understudy header or has a version this
    /// reader does not know.
    init(payload: [UInt8], path: String) throws(ArchiveError) {
        guard let value = try? JSONValue(parsing: payload), value["format"]?.stringValue == SegmentFormat.formatName
        else {
            throw .notASegment(path: path, reason: "its first frame is not an Understudy archive header")
        }
        guard let version = value["version"]?.intValue else {
            throw .notASegment(path: path, reason: "its header has no format version")
        }
        guard SegmentFormat.readableVersions.contains(version) else {
            throw .unsupportedVersion(path: path, version: version)
        }
        let scheme = value["scheme"]?.stringValue ?? "plain"
        // A scheme this reader does not know would be misread line by line: refuse the segment.
        guard LineScheme.readable.contains(scheme) else { throw .unsupportedScheme(path: path, scheme: scheme) }
        self.init(
            version: version, writer: value["writer"]?.stringValue ?? "",
            createdMicros: value["created"]?.stringValue.flatMap(RFC3339.parse) ?? 0, scheme: scheme)
    }
}
