import ArgumentParser
import Foundation
import UnderstudyArchive
import UnderstudyRecorder

/// `understudy import-pcap`: turns a packet capture of plaintext HTTP/1.x LLM traffic into an
/// archive of Exchange records, as if the traffic had gone through `understudy record`.
struct ImportPcapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-pcap",
        abstract: "Import HTTP/1.x exchanges from a pcap or pcapng capture into an archive.",
        discussion: """
            Reassembles every TCP connection (IPv4 and IPv6; Ethernet, loopback, Linux cooked and raw
            IP captures), pairs requests with responses on keep-alive connections, decodes chunked
            and gzip/deflate bodies and SSE streams, and writes the same records `record` writes
            (capture mode "pcap", times from the packets). Credentials are redacted with the
            recorder's key. TLS connections cannot be read and are skipped and counted; exchanges
            with bytes missing from the capture are recorded and marked incomplete.

            Example:
              tcpdump -i lo -w agent.pcap 'tcp port 11434'
              understudy import-pcap agent.pcap --out captures/agent --port 11434
            """
    )

    @Argument(help: "The capture file (pcap or pcapng).")
    var file: String

    @Option(help: "Archive directory to write (created when missing).")
    var out: String

    @Option(name: .customLong("port"), help: "Server port to import; repeatable. Default: every HTTP/1.x connection.")
    var ports: [Int] = []

    @Option(help: "Settings file for the redaction key (default ./understudy.toml when present).")
    var config: String?

    @Option(help: "Record at most this many MiB of each body. Default 32.")
    var bodyLimitMb: Double = 32

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func validate() throws {
        for port in ports where !(1...65_535).contains(port) {
            throw ValidationError("--port \(port) is not a TCP port (1-65535)")
        }
        guard bodyLimitMb > 0 else { throw ValidationError("--body-limit-mb must be positive") }
    }

    func run() async throws {
        let redactor = try ImportPcapCommand.redactor(config: config)
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        let writer: ArchiveWriter
        do {
            writer = try ArchiveWriter(configuration: ArchiveWriterConfiguration(directory: directory, writerName: "understudy import-pcap"))
        } catch {
            throw CLIError("cannot open the archive \(directory.path): \(error)")
        }
        let configuration = PcapImportConfiguration(
            ports: Set(ports.map { UInt16($0) }), bodyLimit: Int(bodyLimitMb * 1024 * 1024), source: file)
        let importer = PcapImporter(configuration: configuration, redactor: redactor)
        let capacity = writer.configuration.queueCapacity
        var sinceCheck = 0
        let summary: PcapImportSummary
        do {
            summary = try importer.importFile(at: file) { exchange in
                // An import is not a live proxy: wait for the writer rather than drop records.
                sinceCheck += 1
                if sinceCheck >= 256 {
                    sinceCheck = 0
                    while writer.counters.queueDepth > capacity / 2 { usleep(1000) }
                }
                writer.append(exchange)
            }
        } catch {
            try? writer.close()
            throw CLIError("\(error)")
        }
        var closeError: String?
        do { try writer.close() } catch { closeError = "\(error)" }
        let counters = writer.counters
        if json {
            print(Self.json(summary, out: directory.path, written: counters.written, dropped: counters.dropped).serialized())
        } else {
            print(Self.text(summary, out: directory.path, written: counters.written, dropped: counters.dropped))
        }
        if let closeError { throw CLIError("closing the archive \(directory.path) failed: \(closeError)") }
    }
}
