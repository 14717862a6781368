/// The TCP header flags Understudy acts on.
public struct TCPFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let fin = TCPFlags(rawValue: 0x01)
    public static let syn = TCPFlags(rawValue: 0x02)
    public static let rst = TCPFlags(rawValue: 0x04)
    public static let psh = TCPFlags(rawValue: 0x08)
    public static let ack = TCPFlags(rawValue: 0x10)
}

/// One TCP segment decoded from a captured packet.
///
/// `payload` holds the bytes the capture kept. When the capture's snap length cut the packet,
/// `missingBytes` says how many payload bytes the segment carried on the wire beyond `payload`;
/// the reassembler turns them into a gap instead of waiting for them.
public struct TCPSegment: Sendable, Equatable {
    public var source: TCPEndpoint
    public var destination: TCPEndpoint
    public var sequence: UInt32
    public var acknowledgment: UInt32
    public var flags: TCPFlags
    public var payload: [UInt8]
    public var missingBytes: Int
    /// Capture time, microseconds since the Unix epoch.
    public var timestampMicros: Int64

    public init(
        source: TCPEndpoint, destination: TCPEndpoint, sequence: UInt32, acknowledgment: UInt32 = 0,
        flags: TCPFlags, payload: [UInt8] = [], missingBytes: Int = 0, timestampMicros: Int64
    ) {
        self.source = source
        self.destination = destination
        self.sequence = sequence
        self.acknowledgment = acknowledgment
        self.flags = flags
        self.payload = payload
        self.missingBytes = missingBytes
        self.timestampMicros = timestampMicros
    }
}
