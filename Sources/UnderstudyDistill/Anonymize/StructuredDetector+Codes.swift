/// IBANs, MAC addresses and IPv6 addresses: shapes of letters, hex digits and separators.
extension StructuredDetector {
    // MARK: IBAN

    func ibans(_ b: UnsafeBufferPointer<UInt8>, into out: inout [DetectedEntity]) {
        let n = b.count
        var i = 0
        while i + 15 <= n {
            guard ByteClass.isUpper(b[i]), ByteClass.isUpper(b[i + 1]), ByteClass.isDigit(b[i + 2]),
                ByteClass.isDigit(b[i + 3]),
                i == 0 || !ByteClass.isWordByte(b[i - 1])
            else {
                i += 1
                continue
            }
            var compact: [UInt8] = []
            var j = i
            var lastGood = i
            var candidates: [(Int, [UInt8])] = []
            while j < n && compact.count < 34 {
                let x = b[j]
                if ByteClass.isUpper(x) || ByteClass.isDigit(x) {
                    compact.append(x)
                    j += 1
                    lastGood = j
                    if compact.count >= 15 && (j == n || !ByteClass.isAlnum(b[j])) { candidates.append((j, compact)) }
                } else if x == 0x20 && compact.count % 4 == 0 && j + 1 < n && ByteClass.isAlnum(b[j + 1]) {
                    j += 1
                } else {
                    break
                }
            }
            if let match = candidates.last(where: { Checksum.ibanIsValid($0.1) }) {
                out.append(DetectedEntity(type: .iban, range: i..<match.0))
                i = match.0
            } else {
                i = max(i + 1, lastGood)
            }
        }
    }

    // MARK: MAC and IPv6

    func macAddresses(_ b: UnsafeBufferPointer<UInt8>, into out: inout [DetectedEntity]) {
        let n = b.count
        guard n >= 17 else { return }
        var i = 0
        while i + 17 <= n {
            let sep = b[i + 2]
            guard sep == 0x3A || sep == 0x2D, ByteClass.isHex(b[i]),
                i == 0 || !(ByteClass.isWordByte(b[i - 1]) || b[i - 1] == sep)
            else {
                i += 1
                continue
            }
            var ok = true
            for k in 0..<6 {
                let p = i + k * 3
                if !ByteClass.isHex(b[p]) || !ByteClass.isHex(b[p + 1]) || (k < 5 && b[p + 2] != sep) {
                    ok = false; break
                }
            }
            if ok && (i + 17 == n || !(ByteClass.isWordByte(b[i + 17]) || b[i + 17] == sep)) {
                out.append(DetectedEntity(type: .macAddress, range: i..<(i + 17)))
                i += 17
            } else {
                i += 1
            }
        }
    }

    /// Runs of hex digits and colons with at least two colons, not glued to a word. The scan goes
    /// from colon to colon and widens each to its run: hex letters are common in words, colons are not.
    func ipv6(_ b: UnsafeBufferPointer<UInt8>, into out: inout [DetectedEntity]) {
        let n = b.count
        var c = 0
        while c < n {
            guard b[c] == 0x3A else {
                c += 1
                continue
            }
            var i = c
            while i > 0 && (ByteClass.isHex(b[i - 1]) || b[i - 1] == 0x3A) { i -= 1 }
            var j = c
            var colons = 0
            while j < n && (ByteClass.isHex(b[j]) || b[j] == 0x3A) {
                if b[j] == 0x3A { colons += 1 }
                j += 1
            }
            if (i == 0 || !ByteClass.isWordByte(b[i - 1])) && colons >= 2
                && (j == n || !(ByteClass.isWordByte(b[j]) || b[j] == 0x2E)) && Self.validIPv6(Array(b[i..<j]))
            {
                out.append(DetectedEntity(type: .ipAddress, range: i..<j))
            }
            c = j + 1
        }
    }

    static func validIPv6(_ token: [UInt8]) -> Bool {
        let groups = token.split(separator: 0x3A, omittingEmptySubsequences: false)
        var doubles = 0
        for k in 0..<(token.count - 1) where token[k] == 0x3A && token[k + 1] == 0x3A { doubles += 1 }
        guard doubles <= 1, !ByteClass.contains(token, [0x3A, 0x3A, 0x3A]) else { return false }
        let nonEmpty = groups.filter { !$0.isEmpty }
        guard nonEmpty.allSatisfy({ $0.count <= 4 }) else { return false }
        if doubles == 0 {
            return groups.count == 8 && nonEmpty.count == 8
        }
        if token.first == 0x3A && token.prefix(2) != [0x3A, 0x3A] { return false }
        if token.last == 0x3A && token.suffix(2) != [0x3A, 0x3A] { return false }
        // "a::b" is C++ or Rust far more often than an address.
        return nonEmpty.count <= 7 && (nonEmpty.count >= 3 || nonEmpty.contains { $0.count == 4 })
    }
}
