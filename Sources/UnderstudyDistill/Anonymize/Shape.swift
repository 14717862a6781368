/// Shape-preserving replacements: digits stay digits, letters keep their case, punctuation and
/// layout stay where they were, known prefixes and structure words are kept.
enum Shape {
    static let upper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
    static let lower = Array("abcdefghijklmnopqrstuvwxyz".utf8)

    static func randomize(_ text: Substring, _ rng: inout SeededGenerator, firstDigitNonZero: Bool, hex: Bool = false)
        -> String
    {
        var out = [UInt8]()
        var text = text
        text.withUTF8 { bytes in
            out.reserveCapacity(bytes.count)
            randomize(bytes, into: &out, &rng, firstDigitNonZero: firstDigitNonZero, hex: hex)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text` with its digits and letters redrawn to `out`.
    static func randomize<Bytes: Collection<UInt8>>(
        _ text: Bytes, into out: inout [UInt8], _ rng: inout SeededGenerator, firstDigitNonZero: Bool,
        hex: Bool = false
    ) {
        // `Collection.randomElement(using:)` is `self[Int.random(in: 0..<count)]`: the letters and
        // hex digits are computed from the same draws, without a table.
        var sawDigit = false
        for b in text {
            if hex && ByteClass.isHex(b) {
                let k = UInt8(Int.random(in: 0..<16, using: &rng))
                out.append(k < 10 ? 0x30 + k : (ByteClass.isUpper(b) ? 0x41 : 0x61) + k - 10)
            } else if ByteClass.isDigit(b) {
                let low = firstDigitNonZero && !sawDigit ? 1 : 0
                out.append(UInt8(0x30 + Int.random(in: low...9, using: &rng)))
                sawDigit = true
            } else if ByteClass.isUpper(b) {
                out.append(0x41 + UInt8(Int.random(in: 0..<26, using: &rng)))
            } else if ByteClass.isLower(b) {
                out.append(0x61 + UInt8(Int.random(in: 0..<26, using: &rng)))
            } else {
                out.append(b)
            }
        }
    }

    /// Whether `value` is ASCII without a CR (so each byte is one `Character`): the byte paths
    /// then give what the `Character` paths would.
    static func isPlainASCII(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { bytes in
            for b in bytes where b >= 0x80 || b == 0x0D { return false }
            return true
        }
    }

    /// Keeps a known key prefix ("sk-ant-", "ghp_", a JWT's "eyJ", a PEM armour) and replaces the rest.
    static func secret(_ value: String, _ rng: inout SeededGenerator) -> String {
        if value.hasPrefix("-----BEGIN") {
            var lines = value.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for i in lines.indices where !lines[i].hasPrefix("-----") {
                lines[i] = randomize(Substring(lines[i]), &rng, firstDigitNonZero: false)
            }
            return lines.joined(separator: "\n")
        }
        let bytes = Array(value.utf8)
        var keep = 0
        bytes.withUnsafeBufferPointer { buffer in
            guard let first = buffer.first, SecretDetector.prefixFirstBytes[Int(first)] else { return }
            for (prefix, _) in SecretDetector.prefixes where ByteClass.hasPrefix(buffer, at: 0, prefix) {
                keep = max(keep, prefix.count)
            }
        }
        if bytes.starts(with: SecretDetector.jwtStart) { keep = 3 }
        guard isPlainASCII(value) else {
            return String(value.prefix(keep)) + randomize(value.dropFirst(keep), &rng, firstDigitNonZero: false)
        }
        var out = Array(bytes[..<keep])
        out.reserveCapacity(bytes.count)
        randomize(bytes[keep...], into: &out, &rng, firstDigitNonZero: false)
        return String(decoding: out, as: UTF8.self)
    }

    /// Replaces the user information and token-named query values; keeps scheme, host and path.
    static func credentialURL(_ value: String, _ rng: inout SeededGenerator) -> String {
        guard isPlainASCII(value) else { return credentialURLByCharacter(value, &rng) }
        let b = Array(value.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        guard let restStart = b.indices.dropLast(2).first(where: { b[$0] == 0x3A && b[$0 + 1] == 0x2F && b[$0 + 2] == 0x2F })
            .map({ $0 + 3 })
        else {
            randomize(b, into: &out, &rng, firstDigitNonZero: false)
            return String(decoding: out, as: UTF8.self)
        }
        out += b[..<restStart]
        let authorityEnd = b[restStart...].firstIndex { $0 == 0x2F || $0 == 0x3F || $0 == 0x23 } ?? b.count
        if let at = b[restStart..<authorityEnd].lastIndex(of: 0x40) {
            randomize(b[restStart..<at], into: &out, &rng, firstDigitNonZero: false)
            out += b[at..<authorityEnd]
        } else {
            out += b[restStart..<authorityEnd]
        }
        guard let question = b[authorityEnd...].firstIndex(of: 0x3F) else {
            out += b[authorityEnd...]
            return String(decoding: out, as: UTF8.self)
        }
        out += b[authorityEnd...question]
        for (i, pair) in b[(question + 1)...].split(separator: 0x26, omittingEmptySubsequences: false).enumerated() {
            if i > 0 { out.append(0x26) }
            if let eq = pair.firstIndex(of: 0x3D),
                SecretDetector.urlTokenParameters.contains(String(decoding: pair[..<eq].map(ByteClass.lower), as: UTF8.self))
            {
                out += pair[...eq]
                randomize(pair[(eq + 1)...], into: &out, &rng, firstDigitNonZero: false)
            } else {
                out += pair
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `credentialURL` for values with non-ASCII characters.
    private static func credentialURLByCharacter(_ value: String, _ rng: inout SeededGenerator) -> String {
        guard let schemeEnd = value.range(of: "://") else {
            return randomize(Substring(value), &rng, firstDigitNonZero: false)
        }
        var result = String(value[..<schemeEnd.upperBound])
        let rest = value[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") {
            result += randomize(authority[..<at], &rng, firstDigitNonZero: false) + String(authority[at...])
        } else {
            result += authority
        }
        let tail = rest[authorityEnd...]
        guard let question = tail.firstIndex(of: "?") else { return result + tail }
        result += tail[...question]
        let query = tail[tail.index(after: question)...]
        let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let eq = pair.firstIndex(of: "="),
                SecretDetector.urlTokenParameters.contains(pair[..<eq].lowercased())
            else { return String(pair) }
            return String(pair[...eq]) + randomize(pair[pair.index(after: eq)...], &rng, firstDigitNonZero: false)
        }
        return result + pairs.joined(separator: "&")
    }
}
