import Foundation
import UnderstudyArchive
import UnderstudyRecorder

extension ImportPcapCommand {
    /// The recorder's redaction key, resolved exactly as `record` does (config key, key file,
    /// or the installation key file), so fingerprints match across capture paths.
    static func redactor(config: String?) throws -> HeaderRedactor {
        let file = try UnderstudyConfiguration.load(path: config)
        let key: RedactionKey
        do {
            if let hex = file.redaction.key {
                key = try RedactionKey(hex: hex)
            } else if let path = file.redaction.keyFile {
                key = try RedactionKey.loadOrCreate(at: URL(fileURLWithPath: (path as NSString).expandingTildeInPath))
            } else {
                key = try RedactionKey.loadOrCreate(at: RedactionKey.defaultFileURL())
            }
        } catch {
            throw CLIError("redaction key: \(error)")
        }
        return HeaderRedactor(key: key, additionalHeaders: file.redaction.headers)
    }

    static func json(_ summary: PcapImportSummary, out: String, written: Int, dropped: Int) -> JSONValue {
        let skipped = summary.skipped.values.reduce(0, +)
        return [
            "file_bytes": .int(summary.fileBytes), "packets": .int(summary.packets), "bytes": .int(summary.bytes),
            "tcp_segments": .int(summary.tcpSegments), "non_tcp_packets": .int(skipped),
            "snaplen_cut_packets": .int(summary.snaplenCutPackets), "flows": .int(summary.flows),
            "http_flows": .int(summary.httpFlows), "tls_skipped": .int(summary.tlsFlows),
            "other_flows": .int(summary.otherFlows), "exchanges": .int(summary.exchanges),
            "incomplete": .int(summary.incompleteExchanges), "orphan_responses": .int(summary.orphanResponses),
            "lost_sync": .int(summary.lostSync), "gap_bytes": .int(summary.gapBytes),
            "duplicate_bytes": .int(summary.duplicateBytes), "timed_out_flows": .int(summary.timedOutFlows),
            "truncated_file": summary.truncation.map(JSONValue.string) ?? .null,
            "seconds": .double(summary.seconds), "mb_per_s": .double(summary.megabytesPerSecond),
            "out": .string(out), "written": .int(written), "dropped": .int(dropped),
        ]
    }

    static func text(_ summary: PcapImportSummary, out: String, written: Int, dropped: Int) -> String {
        var lines = [
            "packets      \(summary.packets) (\(summary.tcpSegments) TCP, \(summary.snaplenCutPackets) cut by snaplen)",
            "flows        \(summary.flows) (\(summary.httpFlows) HTTP/1.x, \(summary.tlsFlows) TLS skipped, \(summary.otherFlows) other)",
            "exchanges    \(summary.exchanges) (\(summary.incompleteExchanges) incomplete)",
            "bytes        \(summary.bytes) captured, \(summary.gapBytes) missing, \(summary.duplicateBytes) retransmitted",
            String(format: "speed        %.1f MB/s (%.2f s)", summary.megabytesPerSecond, summary.seconds),
            "written      \(written) records to \(out)" + (dropped > 0 ? " (\(dropped) dropped)" : ""),
        ]
        if let truncation = summary.truncation { lines.append("warning      the file is cut short: \(truncation)") }
        return lines.joined(separator: "\n")
    }
}
