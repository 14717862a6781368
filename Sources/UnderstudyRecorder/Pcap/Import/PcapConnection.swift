import UnderstudyArchive

/// Receives each finished exchange with the connection's client and server.
typealias PcapEmit = (PcapInFlightExchange, (client: TCPEndpoint, server: TCPEndpoint)) -> Void

/// One captured TCP connection: which side is the client, the two reassembled directions, what
/// protocol the client speaks, and (for HTTP/1.x) the two message parsers and the requests
/// waiting for their responses. I/O-free; `PcapFlowTable` owns and drives it.
struct PcapConnection {
    enum Application: Sendable, Equatable { case undetermined, http, tls, other }

    var client: TCPEndpoint?
    var server: TCPEndpoint?
    var clientISN: UInt32?
    var application: Application = .undetermined
    var toServer: TCPStreamReassembler
    var toClient: TCPStreamReassembler
    var requests = HTTP1MessageParser(kind: .request)
    var responses = HTTP1MessageParser(kind: .response)
    var inFlight: [PcapInFlightExchange] = []
    var lastActivityMicros: Int64
    /// The flow matched a configured server port, so it is meant to be HTTP.
    var selectedPort = false
    private var sniffed: [UInt8] = []
    var requestStartMicros: Int64 = 0
    var responseStartMicros: Int64 = 0
    var interimResponse = false
    var orphanResponse = false
    let bodyLimit: Int
    private var events: [TCPStreamReassembler.Event] = []

    init(configuration: PcapImportConfiguration, at micros: Int64) {
        toServer = TCPStreamReassembler(maxBufferedBytes: configuration.maxBufferedBytesPerDirection)
        toClient = TCPStreamReassembler(maxBufferedBytes: configuration.maxBufferedBytesPerDirection)
        bodyLimit = configuration.bodyLimit
        lastActivityMicros = micros
    }

    /// Client and server, for the records; placeholders until the roles are known.
    var endpoints: (client: TCPEndpoint, server: TCPEndpoint) {
        let unknown = TCPEndpoint(address: IPAddress(v4: 0, 0, 0, 0), port: 0)
        return (client ?? unknown, server ?? unknown)
    }

    /// True once both directions ended (FIN each way, or a reset).
    var isFinished: Bool { toServer.isFinished && toClient.isFinished }

    /// Takes one segment of this connection; finished exchanges go to `emit` in request order.
    mutating func receive(
        _ segment: TCPSegment, ports: Set<UInt16>, summary: inout PcapImportSummary,
        emit: PcapEmit
    ) {
        lastActivityMicros = segment.timestampMicros
        if client == nil {
            assignRoles(segment, ports: ports)
            guard let server else { return }
            selectedPort = ports.contains(server.port)
        }
        let fromClient = segment.source == client
        if fromClient && segment.flags.contains(.syn) && !segment.flags.contains(.ack) { clientISN = segment.sequence }
        events.removeAll(keepingCapacity: true)
        if fromClient { toServer.receive(segment, into: &events) } else { toClient.receive(segment, into: &events) }
        handle(events, fromClient: fromClient, summary: &summary, emit: emit)
        if segment.flags.contains(.rst) {
            close(at: segment.timestampMicros, summary: &summary, emit: emit)
        }
    }

    /// Ends the connection: holes become gaps, open messages end incomplete, and every request
    /// still waiting is emitted (without a response if none came).
    mutating func close(
        at micros: Int64, summary: inout PcapImportSummary, emit: PcapEmit
    ) {
        events.removeAll(keepingCapacity: true)
        toServer.flush(timestampMicros: micros, into: &events)
        handle(events, fromClient: true, summary: &summary, emit: emit)
        events.removeAll(keepingCapacity: true)
        toClient.flush(timestampMicros: micros, into: &events)
        handle(events, fromClient: false, summary: &summary, emit: emit)
        if application == .http {
            var parsed: [HTTP1MessageParser.Event] = []
            requests.close(into: &parsed)
            handleRequests(parsed, at: micros, summary: &summary, emit: emit)
            parsed.removeAll()
            responses.close(into: &parsed)
            handleResponses(parsed, at: micros, summary: &summary, emit: emit)
        }
        for exchange in inFlight { emit(exchange, endpoints) }
        inFlight.removeAll()
        summary.gapBytes += toServer.statistics.gapBytes + toClient.statistics.gapBytes
        summary.duplicateBytes += toServer.statistics.duplicateBytes + toClient.statistics.duplicateBytes
    }

    // MARK: - Roles and protocol

    /// Decides which side is the client: from the handshake, the configured server ports, or
    /// what the first payload looks like; as a last resort the lower port is the server.
    private mutating func assignRoles(_ segment: TCPSegment, ports: Set<UInt16>) {
        let source = segment.source
        let destination = segment.destination
        var clientIsSource: Bool?
        if segment.flags.contains(.syn) {
            clientIsSource = !segment.flags.contains(.ack)
        } else if ports.contains(destination.port) != ports.contains(source.port) {
            clientIsSource = ports.contains(destination.port)
        } else if !segment.payload.isEmpty {
            if Self.looksLikeResponse(segment.payload) {
                clientIsSource = false
            } else if Self.looksLikeTLS(segment.payload) || Self.looksLikeRequest(segment.payload) != false {
                clientIsSource = true
            } else {
                clientIsSource = destination.port < source.port
            }
        }
        guard let clientIsSource else { return }
        client = clientIsSource ? source : destination
        server = clientIsSource ? destination : source
    }

    static func looksLikeTLS(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x16 && bytes[1] == 0x03
    }

    static func looksLikeResponse(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: [0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e])  // "HTTP/1."
    }

    /// `true`: an HTTP method token and a space; `false`: cannot be one; `nil`: too short to say.
    static func looksLikeRequest(_ bytes: [UInt8]) -> Bool? {
        for (index, byte) in bytes.prefix(20).enumerated() {
            if byte == 0x20 { return index >= 3 }
            guard byte >= 0x41 && byte <= 0x5a else { return false }
        }
        return bytes.count >= 20 ? false : nil
    }

    // MARK: - Stream events

    private mutating func handle(
        _ events: [TCPStreamReassembler.Event], fromClient: Bool, summary: inout PcapImportSummary,
        emit: PcapEmit
    ) {
        for event in events {
            switch event {
            case .data(let bytes, let micros):
                if fromClient {
                    clientData(bytes, at: micros, summary: &summary, emit: emit)
                } else {
                    if application == .undetermined && Self.looksLikeResponse(bytes) {
                        application = .http
                        summary.httpFlows += 1
                    }
                    guard application == .http else { continue }
                    if responses.isIdle { responseStartMicros = micros }
                    var parsed: [HTTP1MessageParser.Event] = []
                    responses.parse(bytes, into: &parsed)
                    handleResponses(parsed, at: micros, summary: &summary, emit: emit)
                }
            case .gap(let count, let micros):
                guard application == .http else {
                    sniffed.removeAll()
                    continue
                }
                var parsed: [HTTP1MessageParser.Event] = []
                if fromClient {
                    requests.gap(count, into: &parsed)
                    handleRequests(parsed, at: micros, summary: &summary, emit: emit)
                } else {
                    responses.gap(count, into: &parsed)
                    handleResponses(parsed, at: micros, summary: &summary, emit: emit)
                }
            }
        }
    }

    private mutating func clientData(
        _ bytes: [UInt8], at micros: Int64, summary: inout PcapImportSummary,
        emit: PcapEmit
    ) {
        var data = bytes
        if application == .undetermined {
            if sniffed.isEmpty { requestStartMicros = micros }
            sniffed.append(contentsOf: bytes)
            if sniffed == [0x16] {
                return  // one byte of a possible TLS record: wait for the next
            } else if Self.looksLikeTLS(sniffed) {
                application = .tls
                summary.tlsFlows += 1
            } else if let request = Self.looksLikeRequest(sniffed) {
                if request {
                    application = .http
                    summary.httpFlows += 1
                } else if toServer.startedMidstream && selectedPort {
                    // Capture began inside a message on a port the user named as HTTP: skip to
                    // the next message start in each direction.
                    application = .http
                    summary.httpFlows += 1
                    var ignored: [HTTP1MessageParser.Event] = []
                    requests.gap(1, into: &ignored)
                    responses.gap(1, into: &ignored)
                } else {
                    application = .other
                    summary.otherFlows += 1
                }
            } else {
                return  // too short to tell yet
            }
            guard application == .http else { return }
            data = sniffed
            sniffed = []
        }
        guard application == .http else { return }
        if requests.isIdle && data.count == bytes.count { requestStartMicros = micros }
        var parsed: [HTTP1MessageParser.Event] = []
        requests.parse(data, into: &parsed)
        handleRequests(parsed, at: micros, summary: &summary, emit: emit)
    }
}
