import Foundation
import UnderstudyRecorder

/// One TCP segment for a crafted capture: tests build these, reorder, drop or duplicate them,
/// then write them as a pcap or pcapng file.
struct PcapTestSegment {
    var source: (ip: [UInt8], port: UInt16)
    var destination: (ip: [UInt8], port: UInt16)
    var sequence: UInt32
    var acknowledgment: UInt32
    var flags: UInt8
    var payload: [UInt8]
    var micros: Int64
}

/// A crafted TCP connection: hands out segments with correct sequence numbers.
struct PcapTestFlow {
    static let syn: UInt8 = 0x02
    static let ack: UInt8 = 0x10
    static let fin: UInt8 = 0x01
    static let rst: UInt8 = 0x04
    static let psh: UInt8 = 0x08

    var client: (ip: [UInt8], port: UInt16)
    var server: (ip: [UInt8], port: UInt16)
    var clientSequence: UInt32
    var serverSequence: UInt32
    var micros: Int64

    init(
        client: (ip: [UInt8], port: UInt16) = ([127, 0, 0, 1], 40_000),
        server: (ip: [UInt8], port: UInt16) = ([127, 0, 0, 1], 8080),
        clientISN: UInt32 = 1000, serverISN: UInt32 = 5000, startMicros: Int64 = 1_700_000_000_000_000
    ) {
        self.client = client
        self.server = server
        clientSequence = clientISN
        serverSequence = serverISN
        micros = startMicros
    }

    private mutating func tick(_ step: Int64) -> Int64 {
        micros += step
        return micros
    }

    mutating func handshake() -> [PcapTestSegment] {
        let synTime = tick(100)
        let syn = PcapTestSegment(
            source: client, destination: server, sequence: clientSequence, acknowledgment: 0, flags: Self.syn,
            payload: [], micros: synTime)
        clientSequence &+= 1
        let synAckTime = tick(100)
        let synAck = PcapTestSegment(
            source: server, destination: client, sequence: serverSequence, acknowledgment: clientSequence,
            flags: Self.syn | Self.ack, payload: [], micros: synAckTime)
        serverSequence &+= 1
        let ackTime = tick(100)
        let ack = PcapTestSegment(
            source: client, destination: server, sequence: clientSequence, acknowledgment: serverSequence,
            flags: Self.ack, payload: [], micros: ackTime)
        return [syn, synAck, ack]
    }

    /// `bytes` from the client (or server) cut into segments of at most `segmentSize` bytes,
    /// `stepMicros` apart.
    mutating func send(
        _ bytes: [UInt8], fromClient: Bool, segmentSize: Int = 1400, stepMicros: Int64 = 1000
    ) -> [PcapTestSegment] {
        var segments: [PcapTestSegment] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + segmentSize)
            let time = tick(stepMicros)
            let sequence = fromClient ? clientSequence : serverSequence
            let acknowledgment = fromClient ? serverSequence : clientSequence
            segments.append(
                PcapTestSegment(
                    source: fromClient ? client : server, destination: fromClient ? server : client,
                    sequence: sequence, acknowledgment: acknowledgment, flags: Self.ack | Self.psh,
                    payload: Array(bytes[offset..<end]), micros: time))
            if fromClient { clientSequence &+= UInt32(end - offset) } else { serverSequence &+= UInt32(end - offset) }
            offset = end
        }
        return segments
    }

    mutating func send(_ text: String, fromClient: Bool, segmentSize: Int = 1400, stepMicros: Int64 = 1000)
        -> [PcapTestSegment]
    {
        send(Array(text.utf8), fromClient: fromClient, segmentSize: segmentSize, stepMicros: stepMicros)
    }

    /// FIN from both sides.
    mutating func close() -> [PcapTestSegment] {
        let clientFinTime = tick(100)
        let clientFin = PcapTestSegment(
            source: client, destination: server, sequence: clientSequence, acknowledgment: serverSequence,
            flags: Self.fin | Self.ack, payload: [], micros: clientFinTime)
        clientSequence &+= 1
        let serverFinTime = tick(100)
        let serverFin = PcapTestSegment(
            source: server, destination: client, sequence: serverSequence, acknowledgment: clientSequence,
            flags: Self.fin | Self.ack, payload: [], micros: serverFinTime)
        serverSequence &+= 1
        return [clientFin, serverFin]
    }
}

/// Writes segments as a capture file with a chosen link type, optionally cutting frames at a
/// snap length. Frames carry correct IPv4 header checksums so other tools accept them too.
struct PcapTestCapture {
    enum Link: UInt32 {
        case null = 0
        case ethernet = 1
        case raw = 101
        case linuxCooked = 113
        case linuxCooked2 = 276
    }

    var link: Link = .ethernet
    var snapLength = 262_144
    var segments: [PcapTestSegment]

    func frame(_ segment: PcapTestSegment) -> [UInt8] {
        let isV6 = segment.source.ip.count == 16
        var tcp: [UInt8] = []
        tcp += be16(segment.source.port) + be16(segment.destination.port)
        tcp += be32(segment.sequence) + be32(segment.acknowledgment)
        tcp += [0x50, segment.flags] + be16(65_535) + [0, 0, 0, 0]
        tcp += segment.payload
        var ip: [UInt8]
        if isV6 {
            // A destination-options extension header before TCP exercises the header chain.
            let options: [UInt8] = [6, 0, 1, 4, 0, 0, 0, 0]
            ip = [0x60, 0, 0, 0] + be16(UInt16(options.count + tcp.count)) + [60, 64]
            ip += segment.source.ip + segment.destination.ip + options
        } else {
            ip = [0x45, 0] + be16(UInt16(20 + tcp.count)) + [0, 0, 0x40, 0, 64, 6, 0, 0]
            ip += segment.source.ip + segment.destination.ip
            let checksum = ipChecksum(ip)
            ip[10] = UInt8(checksum >> 8)
            ip[11] = UInt8(checksum & 0xff)
        }
        let etherType: UInt16 = isV6 ? 0x86dd : 0x0800
        switch link {
        case .ethernet:
            return [0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1] + be16(etherType) + ip + tcp
        case .null:
            let family: UInt32 = isV6 ? 10 : 2
            return [UInt8(family & 0xff), 0, 0, 0] + ip + tcp  // host (little-endian) order
        case .raw:
            return ip + tcp
        case .linuxCooked:
            return be16(0) + be16(772) + be16(6) + [0, 0, 0, 0, 0, 0, 0, 0] + be16(etherType) + ip + tcp
        case .linuxCooked2:
            return be16(etherType) + be16(0) + be32(1) + be16(772) + [0, 6] + [0, 0, 0, 0, 0, 0, 0, 0] + ip + tcp
        }
    }

    /// Classic pcap (microsecond timestamps, little-endian).
    func pcapBytes() -> [UInt8] {
        var out: [UInt8] = le32(0xa1b2_c3d4) + le16(2) + le16(4) + le32(0) + le32(0)
        out += le32(UInt32(snapLength)) + le32(link.rawValue)
        for segment in segments {
            let bytes = frame(segment)
            let kept = min(bytes.count, snapLength)
            out += le32(UInt32(segment.micros / 1_000_000)) + le32(UInt32(segment.micros % 1_000_000))
            out += le32(UInt32(kept)) + le32(UInt32(bytes.count))
            out += bytes[0..<kept]
        }
        return out
    }

    /// pcapng: section header, one interface (microsecond resolution), enhanced packet blocks.
    func pcapngBytes() -> [UInt8] {
        var out: [UInt8] = []
        func block(_ type: UInt32, _ body: [UInt8]) {
            var padded = body
            while padded.count % 4 != 0 { padded.append(0) }
            let length = UInt32(12 + padded.count)
            out += le32(type) + le32(length) + padded + le32(length)
        }
        block(0x0a0d_0d0a, le32(0x1a2b_3c4d) + le16(1) + le16(0) + le32(0xffff_ffff) + le32(0xffff_ffff))
        block(1, le16(UInt16(link.rawValue)) + le16(0) + le32(UInt32(snapLength)))
        for segment in segments {
            let bytes = frame(segment)
            let kept = min(bytes.count, snapLength)
            let micros = UInt64(segment.micros)
            var body = le32(0) + le32(UInt32(micros >> 32)) + le32(UInt32(micros & 0xffff_ffff))
            body += le32(UInt32(kept)) + le32(UInt32(bytes.count)) + Array(bytes[0..<kept])
            block(6, body)
        }
        return out
    }

    func write(to url: URL, pcapng: Bool = false) throws {
        try Data(pcapng ? pcapngBytes() : pcapBytes()).write(to: url)
    }

    private func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
    private func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
    private func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }
    private func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)] }

    private func ipChecksum(_ header: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        for i in stride(from: 0, to: header.count, by: 2) { sum += UInt32(header[i]) << 8 | UInt32(header[i + 1]) }
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }
}
