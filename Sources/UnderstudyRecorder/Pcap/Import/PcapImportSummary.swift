/// What a pcap import (or a live capture so far) saw and produced.
public struct PcapImportSummary: Sendable, Equatable {
    /// Packets read from the capture.
    public var packets = 0
    /// Captured bytes read (frame bytes as stored, without pcap record headers).
    public var bytes = 0
    /// Size of the capture file, when importing a file.
    public var fileBytes = 0
    public var tcpSegments = 0
    /// Packets that were not TCP over IPv4/IPv6, by reason.
    public var skipped: [PacketDecoder.Skip: Int] = [:]
    /// Packets the capture's snap length cut inside the TCP payload.
    public var snaplenCutPackets = 0
    /// TCP connections seen (on the selected ports).
    public var flows = 0
    public var httpFlows = 0
    /// Connections whose client spoke TLS first (0x16 0x03…): skipped, their content unreadable.
    public var tlsFlows = 0
    /// Connections that were neither HTTP/1.x nor TLS.
    public var otherFlows = 0
    /// Exchange records produced.
    public var exchanges = 0
    /// Records marked incomplete: bytes missing, message cut, or no response captured.
    public var incompleteExchanges = 0
    /// Responses with no request to pair with (the request was lost or before the capture).
    public var orphanResponses = 0
    /// Times a parser lost HTTP framing and skipped bytes.
    public var lostSync = 0
    /// Stream bytes missing (holes the reassembler skipped, snaplen cuts).
    public var gapBytes = 0
    /// Retransmitted or overlapping bytes dropped.
    public var duplicateBytes = 0
    /// Connections closed because they stayed idle or the flow table was full.
    public var timedOutFlows = 0
    /// Set when the file ended inside a packet record (a capture cut short): what libpcap said.
    public var truncation: String?
    /// Wall-clock seconds the import took.
    public var seconds = 0.0

    public init() {}

    /// Captured megabytes (10⁶ bytes) per wall-clock second.
    public var megabytesPerSecond: Double {
        seconds > 0 ? Double(max(bytes, fileBytes)) / 1_000_000 / seconds : 0
    }
}
