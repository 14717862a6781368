import CPcap

/// Reads a pcap or pcapng file with libpcap (`pcap_open_offline` reads both formats), packet by
/// packet, with microsecond timestamps whatever precision the file was written with.
///
/// ```swift
/// let reader = try PcapFileReader(path: "traffic.pcapng")
/// let cut = try reader.forEachPacket { bytes, originalLength, micros in … }
/// if let cut { print("file ends early: \(cut)") }
/// ```
public final class PcapFileReader {
    public let path: String
    public let linkType: LinkType
    private let handle: OpaquePointer

    /// Opens the file. Throws `PcapError` naming the file when it is missing, is not a capture,
    /// or uses a link type the decoder does not understand.
    public init(path: String) throws(PcapError) {
        self.path = path
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let handle = pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_MICRO), &errorBuffer)
        else {
            throw .openFile(path, String(cString: errorBuffer))
        }
        let dlt = pcap_datalink(handle)
        guard let linkType = LinkType(dlt: dlt) else {
            let name = pcap_datalink_val_to_name(dlt).map { String(cString: $0) } ?? "unknown"
            pcap_close(handle)
            throw .unsupportedLinkType(path, name, dlt)
        }
        self.handle = handle
        self.linkType = linkType
    }

    deinit {
        pcap_close(handle)
    }

    /// Calls `body` with each packet's captured bytes (valid only during the call), its length on
    /// the wire and its capture time in microseconds since the epoch. Returns nil at the normal
    /// end of the file, or libpcap's message when the file ends inside a packet (cut short):
    /// the packets before it were delivered. Throws on other read errors.
    @discardableResult
    public func forEachPacket(
        _ body: (_ bytes: UnsafeRawBufferPointer, _ originalLength: Int, _ micros: Int64) -> Void
    ) throws(PcapError) -> String? {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        while true {
            let status = pcap_next_ex(handle, &header, &data)
            switch status {
            case 1:
                guard let header, let data else { continue }
                let record = header.pointee
                let micros = Int64(record.ts.tv_sec) * 1_000_000 + Int64(record.ts.tv_usec)
                body(UnsafeRawBufferPointer(start: data, count: Int(record.caplen)), Int(record.len), micros)
            case PCAP_ERROR_BREAK:  // -2: end of file
                return nil
            default:
                let message = String(cString: pcap_geterr(handle))
                if message.contains("truncated") { return message }
                throw .read(path, message)
            }
        }
    }
}
