import Crypto

/// Derives realistic replacement values. The same (type, value, salt) always gives the same
/// surrogate for a key: a keyed HMAC of the value seeds a generator, so nothing needs to be
/// remembered across runs and the surrogate reveals nothing without the key. Surrogates keep
/// the type and shape of the original: an email stays an email, a card number keeps its
/// grouping and passes Luhn, an IBAN keeps its country and passes mod 97, a key keeps its prefix.
struct SurrogateGenerator: Sendable {
    /// SHA-256 with the HMAC key's inner and outer pads already absorbed (RFC 2104): each digest
    /// copies them. Built on `SHA256` rather than `HMAC` because `HMAC.update` is an unspecialised
    /// generic and, called once per entity, showed in profiles; the digests are the same.
    private let innerPadded: SHA256
    private let outerPadded: SHA256

    init(key: [UInt8]?) {
        var block = key ?? SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        if block.count > 64 { block = Array(SHA256.hash(data: block)) }
        block += [UInt8](repeating: 0, count: 64 - block.count)
        var inner = SHA256()
        inner.update(data: block.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(data: block.map { $0 ^ 0x5C })
        innerPadded = inner
        outerPadded = outer
    }

    /// HMAC-SHA256 of `message` with the key.
    private func mac(_ message: UnsafeRawBufferPointer) -> SHA256.Digest {
        var inner = innerPadded
        inner.update(bufferPointer: message)
        var outer = outerPadded
        inner.finalize().withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize()
    }

    /// A keyed digest of a value, for ids that must not reveal the value (conversation ids):
    /// HMAC(part ‖ 0 ‖ part ‖ 0 …).
    func digest(_ parts: [String]) -> [UInt8] {
        var message: [UInt8] = []
        for part in parts {
            message += part.utf8
            message.append(0)
        }
        return message.withUnsafeBytes { Array(mac($0)) }
    }

    /// The generator seed for (type, salt, value): the first 8 bytes, big-endian, of
    /// HMAC(type ‖ 0 ‖ salt ‖ 0 ‖ value ‖ 0).
    func seed(type: EntityType, salt: String, value: String) -> UInt64 {
        // The message is built on the stack: this runs once per distinct value.
        let tag = Self.typeTags[type.ordinal]
        var salt = salt
        var value = value
        return salt.withUTF8 { salt in
            value.withUTF8 { value in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: tag.count + salt.count + value.count + 3) {
                    message in
                    var n = 0
                    for b in tag {
                        message[n] = b
                        n += 1
                    }
                    message[n] = 0
                    n += 1
                    for b in salt {
                        message[n] = b
                        n += 1
                    }
                    message[n] = 0
                    n += 1
                    for b in value {
                        message[n] = b
                        n += 1
                    }
                    message[n] = 0
                    n += 1
                    let digest = mac(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(message)[..<n]))
                    return digest.withUnsafeBytes { d in
                        var seed: UInt64 = 0
                        for i in 0..<8 { seed = seed << 8 | UInt64(d[i]) }
                        return seed
                    }
                }
            }
        }
    }

    /// Each type's name in UTF-8, by `EntityType.ordinal`.
    private static let typeTags: [[UInt8]] = EntityType.allCases.map { Array($0.rawValue.utf8) }

    func surrogate(for value: String, type: EntityType, salt: String) -> String {
        var rng = SeededGenerator(state: seed(type: type, salt: salt, value: value))
        for _ in 0..<8 {
            let candidate = make(type, value, &rng)
            if candidate != value { return candidate }
        }
        return make(type, value, &rng)
    }

    static let emailSeparators: [[UInt8]] = [[0x2E], [0x5F], []]
    static let emailDomains: [[UInt8]] = ["example.com", "example.net", "example.org", "mail.example.com"].map {
        Array($0.utf8)
    }

    private func make(_ type: EntityType, _ value: String, _ rng: inout SeededGenerator) -> String {
        switch type {
        case .email:
            let first = NameLexicon.firstNames.randomElement(using: &rng)!
            let last = NameLexicon.surnames.randomElement(using: &rng)!
            var out: [UInt8] = []
            out.reserveCapacity(40)
            for c in first.utf8 { out.append(ByteClass.lower(c)) }
            out += Self.emailSeparators.randomElement(using: &rng)!
            for c in last.utf8 { out.append(ByteClass.lower(c)) }
            if Bool.random(using: &rng) { TextFormat.appendDecimal(Int.random(in: 1...99, using: &rng), to: &out) }
            out.append(0x40)
            out += Self.emailDomains.randomElement(using: &rng)!
            return String(decoding: out, as: UTF8.self)
        case .phone:
            // Keep a "+CC" country code; replace the other digits. (Detected phone numbers are
            // ASCII: digits, separators and an extension.)
            let bytes = Array(value.utf8)
            var keep = 0
            if bytes.first == 0x2B {
                var code = 0
                while 1 + code < bytes.count && ByteClass.isDigit(bytes[1 + code]) { code += 1 }
                keep = code <= 3 ? code + 1 : 2
            }
            var out = Array(bytes.prefix(keep))
            Shape.randomize(bytes.dropFirst(keep), into: &out, &rng, firstDigitNonZero: true)
            return String(decoding: out, as: UTF8.self)
        case .creditCard:
            var bytes = Array(value.utf8)
            let digitPositions = bytes.indices.filter { ByteClass.isDigit(bytes[$0]) }
            for p in digitPositions.dropFirst().dropLast() {
                bytes[p] = UInt8(0x30 + Int.random(in: 0...9, using: &rng))
            }
            if let last = digitPositions.last {
                bytes[last] = Checksum.luhnCheckDigit(digitPositions.dropLast().map { bytes[$0] })
            }
            return String(decoding: bytes, as: UTF8.self)
        case .iban:
            var bytes = Array(value.utf8)
            let positions = bytes.indices.filter { bytes[$0] != 0x20 }
            for p in positions.dropFirst(4) {
                bytes[p] =
                    ByteClass.isDigit(bytes[p])
                    ? UInt8(0x30 + Int.random(in: 0...9, using: &rng))
                    : UInt8(0x41 + Int.random(in: 0..<26, using: &rng))
            }
            let compact = positions.map { bytes[$0] }
            let check = Checksum.ibanCheckDigits(compact)
            bytes[positions[2]] = check[0]
            bytes[positions[3]] = check[1]
            return String(decoding: bytes, as: UTF8.self)
        case .usSSN:
            var area = Int.random(in: 1...898, using: &rng)
            if area == 666 { area = 667 }
            var digits: [UInt8] = []
            digits.reserveCapacity(9)
            TextFormat.appendDecimal(area, width: 3, to: &digits)
            TextFormat.appendDecimal(Int.random(in: 1...99, using: &rng), width: 2, to: &digits)
            TextFormat.appendDecimal(Int.random(in: 1...9999, using: &rng), width: 4, to: &digits)
            var iterator = digits.makeIterator()
            return String(decoding: value.utf8.map { ByteClass.isDigit($0) ? iterator.next()! : $0 }, as: UTF8.self)
        case .ipAddress:
            if value.utf8.contains(0x3A) {
                return Shape.randomize(Substring(value), &rng, firstDigitNonZero: false, hex: true)
            }
            var first = Int.random(in: 11...223, using: &rng)
            if first == 127 { first = 128 }
            var out: [UInt8] = []
            out.reserveCapacity(15)
            TextFormat.appendDecimal(first, to: &out)
            for _ in 0..<3 {
                out.append(0x2E)
                TextFormat.appendDecimal(Int.random(in: 0...255, using: &rng), to: &out)
            }
            return String(decoding: out, as: UTF8.self)
        case .macAddress:
            return Shape.randomize(Substring(value), &rng, firstDigitNonZero: false, hex: true)
        case .credentialURL:
            return Shape.credentialURL(value, &rng)
        case .secret:
            return Shape.secret(value, &rng)
        case .person:
            return Shape.person(value, &rng)
        case .streetAddress:
            return Shape.address(value, &rng)
        }
    }
}
