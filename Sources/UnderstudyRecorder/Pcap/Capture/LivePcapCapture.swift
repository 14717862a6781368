import CPcap
import Foundation
import UnderstudyArchive

/// Captures HTTP/1.x exchanges live from a network interface, like `PcapImporter` does from a
/// file: `pcap_open_live`, a BPF filter, and a capture loop on its own thread that never blocks
/// for long (libpcap's read timeout lets `stop()` take effect within a fraction of a second).
///
/// ```swift
/// let capture = try LivePcapCapture(interface: "lo", filter: "tcp port 11434", redactor: redactor)
/// capture.start { exchange in writer.append(exchange) }   // called on the capture thread
/// …
/// let summary = capture.stop()                          // flushes open connections
/// ```
/// Needs root or CAP_NET_RAW; `init` throws a `PcapError` that says so otherwise.
public final class LivePcapCapture: @unchecked Sendable {
    public let interface: String
    public let filter: String?
    public let configuration: PcapImportConfiguration
    private let handle: OpaquePointer
    private let linkType: LinkType
    private let redactor: HeaderRedactor
    private let lock = NSLock()
    private var stopping = false
    private var thread: Thread?
    private var latest = PcapImportSummary()
    private let finished = DispatchSemaphore(value: 0)

    /// Opens the interface and installs the filter (tcpdump syntax, e.g. `tcp port 8080`).
    /// - Parameters:
    ///   - interface: `lo`, `eth0`, `any`, …
    ///   - filter: a BPF expression; nil captures all TCP.
    ///   - configuration: ports, limits, timeouts (as for `PcapImporter`).
    ///   - redactor: the recorder's credential redaction.
    ///   - snapLength: bytes kept per packet (default 262,144: whole segments even on loopback).
    public init(
        interface: String, filter: String?, configuration: PcapImportConfiguration = PcapImportConfiguration(),
        redactor: HeaderRedactor, snapLength: Int32 = 262_144
    ) throws(PcapError) {
        self.interface = interface
        self.filter = filter
        self.configuration = configuration
        self.redactor = redactor
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        // Read timeout 100 ms: the loop wakes up at least that often to notice stop().
        guard let handle = pcap_open_live(interface, snapLength, 0, 100, &errorBuffer) else {
            throw .openInterface(interface, String(cString: errorBuffer))
        }
        let dlt = pcap_datalink(handle)
        guard let linkType = LinkType(dlt: dlt) else {
            let name = pcap_datalink_val_to_name(dlt).map { String(cString: $0) } ?? "unknown"
            pcap_close(handle)
            throw .unsupportedLinkType(interface, name, dlt)
        }
        let expression = filter ?? "tcp"
        var program = bpf_program()
        if pcap_compile(handle, &program, expression, 1, PCAP_NETMASK_UNKNOWN) != 0 {
            let reason = String(cString: pcap_geterr(handle))
            pcap_close(handle)
            throw .filter(expression, reason)
        }
        defer { pcap_freecode(&program) }
        if pcap_setfilter(handle, &program) != 0 {
            let reason = String(cString: pcap_geterr(handle))
            pcap_close(handle)
            throw .filter(expression, reason)
        }
        self.handle = handle
        self.linkType = linkType
    }

    deinit {
        pcap_close(handle)
    }

    /// Starts the capture thread. `onExchange` runs on that thread and must not block (hand the
    /// record to `ArchiveWriter.append`, which never does).
    public func start(onExchange: @escaping @Sendable (Exchange) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        guard thread == nil else { return }
        let thread = Thread { [self] in run(onExchange) }
        thread.name = "understudy-pcap-\(interface)"
        self.thread = thread
        thread.start()
    }

    /// Stops capturing, closes every open connection (writing its exchanges) and returns the
    /// final summary. Safe to call more than once.
    @discardableResult
    public func stop() -> PcapImportSummary {
        lock.lock()
        let wasRunning = thread != nil && !stopping
        stopping = true
        lock.unlock()
        if wasRunning {
            pcap_breakloop(handle)
            finished.wait()
            finished.signal()  // later stop() calls return at once
        }
        return summary
    }

    /// What the capture has seen so far (updated about every 100 ms while running).
    public var summary: PcapImportSummary {
        lock.lock()
        defer { lock.unlock() }
        return latest
    }

    private var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    private func run(_ onExchange: @escaping @Sendable (Exchange) -> Void) {
        let started = ContinuousClock.now
        let decoder = PacketDecoder(linkType: linkType)
        var state = LoopState(
            table: PcapFlowTable(configuration: configuration, redactor: redactor, onExchange: onExchange),
            decoder: decoder)
        while !isStopping {
            let status = withUnsafeMutablePointer(to: &state) { pointer in
                pcap_dispatch(handle, 256, { user, header, data in
                    guard let user, let header, let data else { return }
                    let state = UnsafeMutableRawPointer(user).assumingMemoryBound(to: LoopState.self)
                    let record = header.pointee
                    let micros = Int64(record.ts.tv_sec) * 1_000_000 + Int64(record.ts.tv_usec)
                    state.pointee.receive(
                        UnsafeRawBufferPointer(start: data, count: Int(record.caplen)), Int(record.len), micros)
                }, UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: UInt8.self))
            }
            if status < 0 && status != PCAP_ERROR_BREAK { break }
            // Idle connections close on wall-clock time too: a quiet interface has no packet times.
            state.table.sweepIdle(nowMicros: Exchange.Timing.nowMicros())
            publish(state, since: started)
        }
        state.table.finish()
        publish(state, since: started)
        finished.signal()
    }

    private func publish(_ state: LoopState, since started: ContinuousClock.Instant) {
        var summary = state.table.summary
        summary.packets = state.packets
        summary.bytes = state.bytes
        summary.skipped = state.skipped
        let elapsed = ContinuousClock.now - started
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        lock.lock()
        latest = summary
        lock.unlock()
    }

    /// Everything the C callback touches, passed to it through libpcap's user pointer.
    private struct LoopState {
        var table: PcapFlowTable
        let decoder: PacketDecoder
        var packets = 0
        var bytes = 0
        var skipped: [PacketDecoder.Skip: Int] = [:]

        mutating func receive(_ frame: UnsafeRawBufferPointer, _ originalLength: Int, _ micros: Int64) {
            packets += 1
            bytes += frame.count
            switch decoder.decode(frame, originalLength: originalLength, timestampMicros: micros) {
            case .segment(let segment): table.receive(segment)
            case .skipped(let reason): skipped[reason, default: 0] += 1
            }
        }
    }
}
