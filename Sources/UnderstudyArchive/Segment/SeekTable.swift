/// The index written at the end of a closed segment: one entry per data frame, so a reader can
/// find a record by id or time without decoding the frames before it.
public struct SeekTable: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// Byte offset of the frame in the file.
        public var offset: Int
        /// Compressed size of the frame.
        public var storedSize: Int
        /// Size of the frame's lines as stored (after the line scheme, before zstd).
        public var decodedSize: Int
        /// Size of the same records as plain `Exchange.jsonLine()` lines with newlines.
        public var rawSize: Int
        public var records: Int
        /// Smallest and largest record id in the frame (ULIDs sort by time).
        public var minID: String
        public var maxID: String
        /// Earliest and latest `t.start` of the frame's records, µs since the epoch.
        public var minStartMicros: Int64
        public var maxStartMicros: Int64

        public init(
            offset: Int, storedSize: Int, decodedSize: Int, rawSize: Int, records: Int, minID: String,
            maxID: String, minStartMicros: Int64, maxStartMicros: Int64
        ) {
            self.offset = offset
            self.storedSize = storedSize
            self.decodedSize = decodedSize
            self.rawSize = rawSize
            self.records = records
            self.minID = minID
            self.maxID = maxID
            self.minStartMicros = minStartMicros
            self.maxStartMicros = maxStartMicros
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) { self.entries = entries }

    /// The seek table as a skippable frame ending in the footer that locates it.
    func frame() -> [UInt8] {
        let rows: [JSONValue] = entries.map {
            [
                .int($0.offset), .int($0.storedSize), .int($0.decodedSize), .int($0.rawSize), .int($0.records),
                .string($0.minID), .string($0.maxID), .number(String($0.minStartMicros)),
                .number(String($0.maxStartMicros)),
            ]
        }
        let value: JSONValue = [
            "columns": [
                "offset", "stored", "decoded", "raw", "records", "min_id", "max_id", "min_start_us", "max_start_us",
            ],
            "frames": .array(rows),
        ]
        var payload = value.serializedBytes()
        let total = UInt32(payload.count + 8 + 8)
        SegmentFormat.appendLE32(total, to: &payload)
        SegmentFormat.appendLE32(SegmentFormat.seekFooterMagic, to: &payload)
        return SegmentFormat.skippableFrame(magic: SegmentFormat.seekTableMagic, payload: payload)
    }

    /// Finds and decodes the seek table at the end of `file`; nil when there is none (a segment
    /// whose writer did not close it) or it does not parse.
    static func read(from file: UnsafeRawBufferPointer) -> (table: SeekTable, offset: Int)? {
        guard file.count >= 16, SegmentFormat.readLE32(file, file.count - 4) == SegmentFormat.seekFooterMagic else {
            return nil
        }
        let total = Int(SegmentFormat.readLE32(file, file.count - 8))
        guard total >= 16, total <= file.count else { return nil }
        let start = file.count - total
        guard SegmentFormat.readLE32(file, start) == SegmentFormat.seekTableMagic,
            Int(SegmentFormat.readLE32(file, start + 4)) == total - 8
        else { return nil }
        let json = UnsafeRawBufferPointer(rebasing: file[(start + 8)..<(file.count - 8)])
        guard let value = try? JSONValue(parsing: Array(json)), let rows = value["frames"]?.arrayValue else {
            return nil
        }
        var entries: [Entry] = []
        entries.reserveCapacity(rows.count)
        for row in rows {
            guard let offset = row[0]?.intValue, let stored = row[1]?.intValue, let decoded = row[2]?.intValue,
                let raw = row[3]?.intValue, let records = row[4]?.intValue, let minID = row[5]?.stringValue,
                let maxID = row[6]?.stringValue, let minStart = row[7]?.intValue, let maxStart = row[8]?.intValue,
                offset >= 0, stored > 0, offset + stored <= start
            else { return nil }
            entries.append(
                Entry(
                    offset: offset, storedSize: stored, decodedSize: decoded, rawSize: raw, records: records,
                    minID: minID, maxID: maxID, minStartMicros: Int64(minStart), maxStartMicros: Int64(maxStart)))
        }
        return (SeekTable(entries: entries), start)
    }
}
