/// Decodes captured frames (link layer → IPv4/IPv6 → TCP) into `TCPSegment`s. Pure: no I/O.
///
/// ```swift
/// let decoder = PacketDecoder(linkType: .ethernet)
/// if case .segment(let segment) = decoder.decode(frameBytes, originalLength: wireLength, timestampMicros: t) { … }
/// ```
/// IP fragments are not reassembled (HTTP over TCP practically never fragments: TCP segments to
/// the path MTU); they are reported as `.skipped(.fragment)` and counted.
public struct PacketDecoder: Sendable {
    public enum Skip: String, Sendable, CaseIterable {
        /// Not IPv4/IPv6 (ARP, LLDP, …).
        case notIP = "not_ip"
        /// IP, but not TCP (UDP, ICMP, …).
        case notTCP = "not_tcp"
        /// An IP fragment other than a whole datagram.
        case fragment
        /// Headers cut short or inconsistent: too short for its own header fields.
        case malformed
    }

    public enum Result: Sendable, Equatable {
        case segment(TCPSegment)
        case skipped(Skip)
    }

    public let linkType: LinkType

    public init(linkType: LinkType) {
        self.linkType = linkType
    }

    /// Decodes one frame. `bytes` are the captured bytes, `originalLength` the frame's length on
    /// the wire (larger when the snap length cut it).
    public func decode(_ bytes: UnsafeRawBufferPointer, originalLength: Int, timestampMicros: Int64) -> Result {
        let count = bytes.count
        func u16(_ at: Int) -> Int { Int(bytes[at]) << 8 | Int(bytes[at + 1]) }
        var offset: Int
        var etherType: Int
        switch linkType {
        case .ethernet:
            guard count >= 14 else { return .skipped(.malformed) }
            offset = 14
            etherType = u16(12)
            // 802.1Q, 802.1ad and QinQ tags: skip each 4-byte tag.
            while etherType == 0x8100 || etherType == 0x88a8 || etherType == 0x9100 {
                guard count >= offset + 4 else { return .skipped(.malformed) }
                etherType = u16(offset + 2)
                offset += 4
            }
        case .linuxCooked:
            guard count >= 16 else { return .skipped(.malformed) }
            offset = 16
            etherType = u16(14)
        case .linuxCooked2:
            guard count >= 20 else { return .skipped(.malformed) }
            offset = 20
            etherType = u16(0)
        case .rawIP:
            guard count >= 1 else { return .skipped(.malformed) }
            offset = 0
            etherType = bytes[0] >> 4 == 6 ? 0x86dd : 0x0800
        case .null, .loop:
            guard count >= 4 else { return .skipped(.malformed) }
            offset = 4
            // The family is in the capturing host's byte order for DLT_NULL: accept both.
            let little = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
            let big = Int(bytes[3]) | Int(bytes[2]) << 8 | Int(bytes[1]) << 16 | Int(bytes[0]) << 24
            let family = linkType == .loop ? big : (little < 256 ? little : big)
            switch family {
            case 2: etherType = 0x0800
            case 10, 24, 28, 30: etherType = 0x86dd  // Linux, BSDs, FreeBSD, Darwin
            default: return .skipped(.notIP)
            }
        }
        let missingAtLink = max(0, originalLength - count)
        switch etherType {
        case 0x0800: return decodeIPv4(bytes, at: offset, missing: missingAtLink, time: timestampMicros)
        case 0x86dd: return decodeIPv6(bytes, at: offset, missing: missingAtLink, time: timestampMicros)
        default: return .skipped(.notIP)
        }
    }

    private func decodeIPv4(_ bytes: UnsafeRawBufferPointer, at start: Int, missing: Int, time: Int64) -> Result {
        let count = bytes.count
        guard count >= start + 20, bytes[start] >> 4 == 4 else { return .skipped(.malformed) }
        let headerLength = Int(bytes[start] & 0x0f) * 4
        var totalLength = Int(bytes[start + 2]) << 8 | Int(bytes[start + 3])
        // Segmentation offload can leave the length 0 in captures: the frame bounds the datagram.
        if totalLength == 0 { totalLength = count + missing - start }
        guard headerLength >= 20, totalLength >= headerLength, count >= start + headerLength else {
            return .skipped(.malformed)
        }
        let fragment = Int(bytes[start + 6]) << 8 | Int(bytes[start + 7])
        guard fragment & 0x3fff == 0 else { return .skipped(.fragment) }  // MF set or offset ≠ 0
        guard bytes[start + 9] == 6 else { return .skipped(.notTCP) }
        let source = IPAddress(rawV4: readU32(bytes, start + 12))
        let destination = IPAddress(rawV4: readU32(bytes, start + 16))
        return decodeTCP(
            bytes, at: start + headerLength, end: start + totalLength, missing: missing,
            source: source, destination: destination, time: time)
    }

    private func decodeIPv6(_ bytes: UnsafeRawBufferPointer, at start: Int, missing: Int, time: Int64) -> Result {
        let count = bytes.count
        guard count >= start + 40, bytes[start] >> 4 == 6 else { return .skipped(.malformed) }
        let payloadLength = Int(bytes[start + 4]) << 8 | Int(bytes[start + 5])
        var next = bytes[start + 6]
        let source = IPAddress(rawV6High: readU64(bytes, start + 8), low: readU64(bytes, start + 16))
        let destination = IPAddress(rawV6High: readU64(bytes, start + 24), low: readU64(bytes, start + 32))
        // Jumbograms (payload length 0 with a hop-by-hop jumbo option) run to the end of the frame.
        let end = payloadLength == 0 ? count + missing : start + 40 + payloadLength
        var offset = start + 40
        // Walk the extension header chain up to TCP.
        while next != 6 {
            switch next {
            case 0, 43, 60, 135, 139, 140:  // hop-by-hop, routing, destination options, mobility, HIP, shim6
                guard count >= offset + 2 else { return .skipped(.malformed) }
                next = bytes[offset]
                offset += (Int(bytes[offset + 1]) + 1) * 8
            case 44:  // fragment: only an atomic fragment (offset 0, no more fragments) is a whole datagram
                guard count >= offset + 8 else { return .skipped(.malformed) }
                let field = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
                guard field & 0xfff9 == 0 else { return .skipped(.fragment) }
                next = bytes[offset]
                offset += 8
            case 51:  // authentication header: length in 4-byte units, minus 2
                guard count >= offset + 2 else { return .skipped(.malformed) }
                next = bytes[offset]
                offset += (Int(bytes[offset + 1]) + 2) * 4
            default:
                return .skipped(.notTCP)  // 59 no next header, 17 UDP, 58 ICMPv6, ESP, …
            }
            guard offset <= end else { return .skipped(.malformed) }
        }
        return decodeTCP(
            bytes, at: offset, end: end, missing: missing, source: source, destination: destination, time: time)
    }

    private func decodeTCP(
        _ bytes: UnsafeRawBufferPointer, at start: Int, end: Int, missing: Int,
        source: IPAddress, destination: IPAddress, time: Int64
    ) -> Result {
        let count = bytes.count
        guard count >= start + 20, end >= start + 20 else { return .skipped(.malformed) }
        let dataOffset = Int(bytes[start + 12] >> 4) * 4
        guard dataOffset >= 20, end >= start + dataOffset, count >= start + dataOffset else {
            return .skipped(.malformed)
        }
        let payloadStart = start + dataOffset
        // Ethernet pads short frames: the IP length, not the frame length, bounds the payload.
        let payloadEndOnWire = end
        let payloadEndCaptured = min(payloadEndOnWire, count)
        let payload = Array(bytes[payloadStart..<payloadEndCaptured])
        let missingBytes = missing > 0 ? max(0, payloadEndOnWire - payloadEndCaptured) : 0
        return .segment(
            TCPSegment(
                source: TCPEndpoint(address: source, port: UInt16(readU16(bytes, start))),
                destination: TCPEndpoint(address: destination, port: UInt16(readU16(bytes, start + 2))),
                sequence: readU32(bytes, start + 4),
                acknowledgment: readU32(bytes, start + 8),
                flags: TCPFlags(rawValue: bytes[start + 13] & 0x1f),
                payload: payload,
                missingBytes: missingBytes,
                timestampMicros: time))
    }

    private func readU16(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> Int {
        Int(bytes[at]) << 8 | Int(bytes[at + 1])
    }

    private func readU32(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }

    private func readU64(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> UInt64 {
        UInt64(readU32(bytes, at)) << 32 | UInt64(readU32(bytes, at + 4))
    }
}
