import UnderstudyArchive

/// Turns a sequence of TCP segments (in capture order) into Exchange records: tracks each
/// connection, reassembles both directions, pairs HTTP/1.x requests with responses and closes
/// connections on FIN/RST, when idle too long (in capture time) or when the table is full.
/// I/O-free and single-threaded; `PcapImporter` and `LivePcapCapture` feed it.
///
/// ```swift
/// var table = PcapFlowTable(configuration: .init(ports: [8080]), redactor: redactor) { exchange in
///     writer.append(exchange)
/// }
/// table.receive(segment)        // for each decoded segment
/// table.finish()                // end of capture: flush every connection
/// print(table.summary.exchanges)
/// ```
public struct PcapFlowTable {
    public let configuration: PcapImportConfiguration
    public private(set) var summary = PcapImportSummary()
    private var connections: [FlowKey: PcapConnection] = [:]
    private let builder: PcapExchangeBuilder
    private let onExchange: (Exchange) -> Void
    private var lastSweepMicros: Int64 = 0
    private var nowMicros: Int64 = 0

    /// Connections are keyed by their two endpoints in a fixed order, so both directions match.
    struct FlowKey: Hashable {
        var a: TCPEndpoint
        var b: TCPEndpoint
        init(_ x: TCPEndpoint, _ y: TCPEndpoint) {
            let xFirst = (x.address.high, x.address.low, x.port) < (y.address.high, y.address.low, y.port)
            a = xFirst ? x : y
            b = xFirst ? y : x
        }
    }

    /// - Parameters:
    ///   - configuration: ports, limits and timeouts.
    ///   - redactor: the recorder's credential redaction (same key as the proxies).
    ///   - onExchange: receives each record as soon as its exchange is complete or abandoned.
    public init(
        configuration: PcapImportConfiguration, redactor: HeaderRedactor, onExchange: @escaping (Exchange) -> Void
    ) {
        self.configuration = configuration
        self.builder = PcapExchangeBuilder(redactor: redactor, bodyLimit: configuration.bodyLimit)
        self.onExchange = onExchange
    }

    /// Connections currently tracked.
    public var openFlows: Int { connections.count }

    /// Takes one decoded segment.
    public mutating func receive(_ segment: TCPSegment) {
        summary.tcpSegments += 1
        if segment.missingBytes > 0 { summary.snaplenCutPackets += 1 }
        if !configuration.ports.isEmpty
            && !configuration.ports.contains(segment.source.port)
            && !configuration.ports.contains(segment.destination.port)
        {
            return
        }
        nowMicros = max(nowMicros, segment.timestampMicros)
        let key = FlowKey(segment.source, segment.destination)
        let isNewSYN = segment.flags.contains(.syn) && !segment.flags.contains(.ack)
        if isNewSYN, let existing = connections[key], existing.clientISN != segment.sequence,
            existing.client != nil
        {
            // Port reuse: a new handshake on a known 4-tuple starts a new connection.
            close(key, at: segment.timestampMicros)
        }
        if connections[key] == nil {
            if connections.count >= configuration.maxFlows { evictOldest() }
            connections[key] = PcapConnection(configuration: configuration, at: segment.timestampMicros)
            summary.flows += 1
        }
        let ports = configuration.ports
        var exchanges: [(PcapInFlightExchange, (client: TCPEndpoint, server: TCPEndpoint))] = []
        connections[key]!.receive(segment, ports: ports, summary: &summary) { exchanges.append(($0, $1)) }
        for (seen, endpoints) in exchanges { deliver(seen, endpoints) }
        if connections[key]!.isFinished {
            close(key, at: segment.timestampMicros)
        }
        if nowMicros - lastSweepMicros >= 10_000_000 {
            lastSweepMicros = nowMicros
            sweepIdle()
        }
    }

    /// Capture over: every connection is closed and its exchanges delivered.
    public mutating func finish() {
        for key in Array(connections.keys) {
            close(key, at: nowMicros)
        }
    }

    /// Closes connections idle for longer than the configured timeout (capture time).
    public mutating func sweepIdle(nowMicros explicitNow: Int64? = nil) {
        let now = explicitNow ?? nowMicros
        let stale = connections.filter { now - $0.value.lastActivityMicros > configuration.flowIdleTimeoutMicros }
        for key in stale.keys {
            summary.timedOutFlows += 1
            close(key, at: now)
        }
    }

    private mutating func evictOldest() {
        guard let oldest = connections.min(by: { $0.value.lastActivityMicros < $1.value.lastActivityMicros }) else {
            return
        }
        summary.timedOutFlows += 1
        close(oldest.key, at: nowMicros)
    }

    private mutating func close(_ key: FlowKey, at micros: Int64) {
        guard var connection = connections.removeValue(forKey: key) else { return }
        var exchanges: [(PcapInFlightExchange, (client: TCPEndpoint, server: TCPEndpoint))] = []
        connection.close(at: micros, summary: &summary) { exchanges.append(($0, $1)) }
        for (seen, endpoints) in exchanges { deliver(seen, endpoints) }
    }

    private mutating func deliver(_ seen: PcapInFlightExchange, _ endpoints: (client: TCPEndpoint, server: TCPEndpoint)) {
        let (exchange, incomplete) = builder.makeExchange(seen, client: endpoints.client, server: endpoints.server)
        summary.exchanges += 1
        if incomplete { summary.incompleteExchanges += 1 }
        onExchange(exchange)
    }
}
