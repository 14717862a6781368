import Foundation
import Logging
import UnderstudyArchive
import UnderstudyRecorder

extension ImportPcapCommand {
    /// Starts passive capture for `understudy record --pcap-iface IF [--pcap-filter EXPR]`: the
    /// exchanges go to the same archive writer as the proxy's. Returns nil when no interface is
    /// given; throws a `CLIError` that says why capture cannot start (interface, permission, filter).
    static func startLiveCapture(
        interface: String?, filter: String?, redactor: HeaderRedactor, bodyLimit: Int, writer: ArchiveWriter,
        logger: Logger
    ) throws -> LivePcapCapture? {
        guard let interface else { return nil }
        let capture: LivePcapCapture
        do {
            capture = try LivePcapCapture(
                interface: interface, filter: filter,
                configuration: PcapImportConfiguration(bodyLimit: bodyLimit, source: interface), redactor: redactor)
        } catch {
            throw CLIError("\(error)")
        }
        capture.start { exchange in writer.append(exchange) }
        logger.info("passive capture", metadata: ["interface": "\(interface)", "filter": "\(filter ?? "tcp")"])
        return capture
    }

    /// Stops passive capture (open connections are flushed into the archive) and logs its counts.
    static func stopLiveCapture(_ capture: LivePcapCapture?, logger: Logger) {
        guard let capture else { return }
        let summary = capture.stop()
        logger.info("passive capture stopped", metadata: [
            "packets": "\(summary.packets)", "exchanges": "\(summary.exchanges)",
            "incomplete": "\(summary.incompleteExchanges)", "tls_skipped": "\(summary.tlsFlows)",
        ])
    }
}
