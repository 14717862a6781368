/// Why a capture could not be opened or read. `description` names the file or interface and
/// what libpcap said; it holds no packet contents, so it is safe for logs.
public struct PcapError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: String, Sendable {
        case openFile, unsupportedLinkType, openInterface, filter, read
    }

    private let code: Code
    public let description: String

    private init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    /// The file is missing, unreadable, or not a pcap/pcapng capture.
    public static func openFile(_ path: String, _ reason: String) -> PcapError {
        PcapError(.openFile, "cannot read \(path) as a pcap or pcapng capture: \(reason)")
    }

    /// The capture's link-layer type is not one the decoder understands.
    public static func unsupportedLinkType(_ source: String, _ name: String, _ dlt: Int32) -> PcapError {
        PcapError(
            .unsupportedLinkType,
            "\(source): link type \(name) (\(dlt)) is not supported; capture on an Ethernet, loopback, "
                + "Linux cooked (-i any) or raw IP interface")
    }

    /// Live capture could not start on the interface (missing, or no permission).
    public static func openInterface(_ interface: String, _ reason: String) -> PcapError {
        PcapError(
            .openInterface,
            "cannot capture on interface \(interface): \(reason) (live capture needs root or CAP_NET_RAW)")
    }

    /// The capture filter does not compile or cannot be installed.
    public static func filter(_ expression: String, _ reason: String) -> PcapError {
        PcapError(.filter, "invalid capture filter \"\(expression)\": \(reason)")
    }

    /// Reading packets failed for a reason other than the file ending early.
    public static func read(_ source: String, _ reason: String) -> PcapError {
        PcapError(.read, "reading \(source) failed: \(reason)")
    }

    /// A label for metrics: which kind of failure, without details.
    public var kind: String { code.rawValue }
}
