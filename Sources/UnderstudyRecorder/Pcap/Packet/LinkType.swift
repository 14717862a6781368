/// The link-layer header types (libpcap `DLT_*` values) the packet decoder understands.
public enum LinkType: Sendable, Equatable, CustomStringConvertible {
    /// `DLT_NULL`: BSD loopback, a 4-byte address family in the capturing host's byte order.
    case null
    /// `DLT_EN10MB`: Ethernet II, with optional 802.1Q/802.1ad tags. `tcpdump -i lo` on Linux.
    case ethernet
    /// `DLT_RAW` / `LINKTYPE_RAW` / `DLT_IPV4` / `DLT_IPV6`: the packet starts with the IP header.
    case rawIP
    /// `DLT_LOOP`: like `DLT_NULL` with the family in network byte order (OpenBSD).
    case loop
    /// `DLT_LINUX_SLL`: Linux cooked capture v1 (16-byte header).
    case linuxCooked
    /// `DLT_LINUX_SLL2`: Linux cooked capture v2 (20-byte header). `tcpdump -i any` on Linux.
    case linuxCooked2

    /// Maps a `pcap_datalink` value; `nil` for link types Understudy does not decode.
    public init?(dlt: Int32) {
        switch dlt {
        case 0: self = .null
        case 1: self = .ethernet
        case 12, 14, 101, 228, 229: self = .rawIP
        case 108: self = .loop
        case 113: self = .linuxCooked
        case 276: self = .linuxCooked2
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .null: "null"
        case .ethernet: "ethernet"
        case .rawIP: "raw-ip"
        case .loop: "loop"
        case .linuxCooked: "linux-sll"
        case .linuxCooked2: "linux-sll2"
        }
    }
}
