/// An IPv4 or IPv6 address as seen in a captured packet, compact enough to key flow tables.
///
/// IPv4 addresses are stored in the low 32 bits of `low` with `isIPv6 == false`.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64
    public var isIPv6: Bool

    /// An IPv4 address from its four bytes in network order.
    public init(v4 a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        high = 0
        low = UInt64(a) << 24 | UInt64(b) << 16 | UInt64(c) << 8 | UInt64(d)
        isIPv6 = false
    }

    /// An IPv6 address from its sixteen bytes in network order.
    public init(v6 bytes: some Collection<UInt8>) {
        precondition(bytes.count == 16, "an IPv6 address has 16 bytes")
        var h: UInt64 = 0
        var l: UInt64 = 0
        for (i, byte) in bytes.enumerated() {
            if i < 8 { h = h << 8 | UInt64(byte) } else { l = l << 8 | UInt64(byte) }
        }
        high = h
        low = l
        isIPv6 = true
    }

    init(rawV4: UInt32) {
        high = 0
        low = UInt64(rawV4)
        isIPv6 = false
    }

    init(rawV6High: UInt64, low: UInt64) {
        high = rawV6High
        self.low = low
        isIPv6 = true
    }

    /// Dotted quad for IPv4; RFC 5952 text (lower case, longest zero run as `::`) for IPv6.
    public var description: String {
        if !isIPv6 {
            return "\(low >> 24 & 0xff).\(low >> 16 & 0xff).\(low >> 8 & 0xff).\(low & 0xff)"
        }
        var groups: [UInt16] = []
        for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(truncatingIfNeeded: high >> UInt64(shift))) }
        for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(truncatingIfNeeded: low >> UInt64(shift))) }
        // Longest run of at least two zero groups becomes "::" (first one on ties).
        var bestStart = -1
        var bestLength = 1
        var i = 0
        while i < 8 {
            if groups[i] == 0 {
                var j = i
                while j < 8 && groups[j] == 0 { j += 1 }
                if j - i > bestLength {
                    bestStart = i
                    bestLength = j - i
                }
                i = j
            } else {
                i += 1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }
}

/// One side of a TCP connection: address and port.
public struct TCPEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// `ip:port`, with brackets around IPv6 addresses (`[::1]:8080`).
    public var description: String {
        address.isIPv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}
