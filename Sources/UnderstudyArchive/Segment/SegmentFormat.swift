/// Constants and small helpers of the segment file format (format versions 1 and 2).
///
/// A segment `*.jsonl.zst` is a sequence of zstd frames:
///
/// ```
/// [skippable 0x184D2A50: header JSON]  [data frame] [data frame] … [skippable 0x184D2A5E: seek table]
/// ```
///
/// Data frames are ordinary zstd frames with a content checksum, each holding whole JSON lines, so
/// `zstdcat` and any zstd reader see JSONL. The seek table is written at close and ends with an
/// 8-byte footer (its frame size, then the magic `USEK`) so a reader finds it from the file's end.
/// README.md in this folder's parent describes the line scheme inside the frames.
public enum SegmentFormat {
    /// The format version a segment of `scheme` gets: 2 for `dedup-2`, 1 for the rest. Builds
    /// before `dedup-2` read every scheme but `plain` as `dedup-1`, misread `answer_body` lines as
    /// malformed, and their `archive repair` would rewrite such a segment without those records;
    /// they refuse any version but 1 when opening a segment (`SegmentHeader`), before a scan or a
    /// repair, so the new version keeps them off these segments. Plain segments stay at 1: every
    /// build reads them alike.
    public static func version(for scheme: String) -> Int { scheme == LineScheme.dedup.rawValue ? 2 : 1 }
    /// The format versions this code reads.
    public static let readableVersions = [1, 2]
    /// The `format` member of the header that identifies an Understudy segment.
    public static let formatName = "understudy-archive"
    /// File name suffix of segments.
    public static let fileExtension = ".jsonl.zst"

    static let zstdMagic: UInt32 = 0xFD2F_B528
    static let headerMagic: UInt32 = 0x184D_2A50
    static let seekTableMagic: UInt32 = 0x184D_2A5E
    static let seekFooterMagic: UInt32 = 0x4B45_5355  // "USEK" little-endian
    /// zstd's largest block: frames are flushed at line boundaries below this so a torn frame
    /// decoded by `zstdcat` yields whole lines (lines longer than this are the exception).
    static let blockSize = 128 * 1024

    static func isSkippableMagic(_ magic: UInt32) -> Bool { magic & 0xFFFF_FFF0 == 0x184D_2A50 }

    static func readLE32(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    static func appendLE32(_ value: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(value & 0xFF))
        out.append(UInt8(value >> 8 & 0xFF))
        out.append(UInt8(value >> 16 & 0xFF))
        out.append(UInt8(value >> 24 & 0xFF))
    }

    /// A skippable frame holding `payload`.
    static func skippableFrame(magic: UInt32, payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + 8)
        appendLE32(magic, to: &out)
        appendLE32(UInt32(payload.count), to: &out)
        out += payload
        return out
    }
}
