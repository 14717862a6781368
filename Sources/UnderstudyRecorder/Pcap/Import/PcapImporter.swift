import Foundation
import UnderstudyArchive

/// Imports a pcap or pcapng file: decodes every packet, reassembles the TCP connections and
/// hands each HTTP/1.x exchange found to `onExchange` as an `Exchange` record (capture mode
/// `pcap`), then reports what it saw.
///
/// ```swift
/// let importer = PcapImporter(configuration: .init(ports: [11434]), redactor: redactor)
/// let summary = try importer.importFile(at: "agent.pcapng") { exchange in writer.append(exchange) }
/// print("\(summary.exchanges) exchanges, \(summary.incompleteExchanges) incomplete")
/// ```
public struct PcapImporter: Sendable {
    public let configuration: PcapImportConfiguration
    public let redactor: HeaderRedactor

    public init(configuration: PcapImportConfiguration = PcapImportConfiguration(), redactor: HeaderRedactor) {
        self.configuration = configuration
        self.redactor = redactor
    }

    /// Reads the whole file. A file that ends inside a packet is not an error: the packets before
    /// the cut are imported and `summary.truncation` says where libpcap stopped.
    public func importFile(at path: String, onExchange: @escaping (Exchange) -> Void) throws(PcapError) -> PcapImportSummary {
        let started = ContinuousClock.now
        let reader = try PcapFileReader(path: path)
        let decoder = PacketDecoder(linkType: reader.linkType)
        var table = PcapFlowTable(configuration: configuration, redactor: redactor, onExchange: onExchange)
        var packets = 0
        var bytes = 0
        var skipped: [PacketDecoder.Skip: Int] = [:]
        let truncation = try reader.forEachPacket { frame, originalLength, micros in
            packets += 1
            bytes += frame.count
            switch decoder.decode(frame, originalLength: originalLength, timestampMicros: micros) {
            case .segment(let segment): table.receive(segment)
            case .skipped(let reason): skipped[reason, default: 0] += 1
            }
        }
        table.finish()
        var summary = table.summary
        summary.packets = packets
        summary.bytes = bytes
        summary.skipped = skipped
        summary.truncation = truncation
        summary.fileBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let elapsed = ContinuousClock.now - started
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return summary
    }
}
