import Crypto

/// Derives realistic replacement values. The same (type, value, salt) always gives the same
/// surrogate for a key: a keyed HMAC of the value seeds a generator, so nothing needs to be
/// remembered across runs and the surrogate reveals nothing without the key. Surrogates keep
/// the type and shape of the original: an email stays an email, a card number keeps its
/// grouping and passes Luhn, an IBAN keeps its country and passes mod 97, a key keeps its prefix.
struct SurrogateGenerator: Sendable {
    /// The HMAC with the key already absorbed; copied per digest (cheaper than re-keying).
    let keyed: HMAC<SHA256>

    init(key: [UInt8]?) {
        keyed = HMAC<SHA256>(key: key.map { SymmetricKey(data: $0) } ?? SymmetricKey(size: .bits256))
    }

    /// A keyed digest of a value, for ids that must not reveal the value (conversation ids).
    func digest(_ parts: [String]) -> [UInt8] {
        var mac = keyed
        let separator: [UInt8] = [0]
        for var part in parts {
            part.withUTF8 { mac.update(data: UnsafeRawBufferPointer($0)) }
            separator.withUnsafeBytes { mac.update(data: $0) }
        }
        return mac.finalize().withUnsafeBytes { Array($0) }
    }

    func surrogate(for value: String, type: EntityType, salt: String) -> String {
        let digest = digest([type.rawValue, salt, value])
        var seed: UInt64 = 0
        for byte in digest.prefix(8) { seed = seed << 8 | UInt64(byte) }
        var rng = SeededGenerator(state: seed)
        for _ in 0..<8 {
            let candidate = make(type, value, &rng)
            if candidate != value { return candidate }
        }
        return make(type, value, &rng)
    }

    private func make(_ type: EntityType, _ value: String, _ rng: inout SeededGenerator) -> String {
        switch type {
        case .email:
            let first = NameLexicon.firstNames.randomElement(using: &rng)!.lowercased()
            let last = NameLexicon.surnames.randomElement(using: &rng)!.lowercased()
            let separator = [".", "_", ""].randomElement(using: &rng)!
            let number = Bool.random(using: &rng) ? String(Int.random(in: 1...99, using: &rng)) : ""
            let domain = ["example.com", "example.net", "example.org", "mail.example.com"].randomElement(using: &rng)!
            return "\(first)\(separator)\(last)\(number)@\(domain)"
        case .phone:
            // Keep a "+CC" country code; replace the other digits.
            var keep = 0
            if value.hasPrefix("+") {
                keep =
                    value.dropFirst().prefix(while: \.isNumber).count <= 3
                    ? value.dropFirst().prefix(while: \.isNumber).count + 1 : 2
            }
            return String(value.prefix(keep)) + Shape.randomize(value.dropFirst(keep), &rng, firstDigitNonZero: true)
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
            let digits =
                TextFormat.padded(area, 3) + TextFormat.padded(Int.random(in: 1...99, using: &rng), 2)
                + TextFormat.padded(Int.random(in: 1...9999, using: &rng), 4)
            var out = ""
            var iterator = digits.makeIterator()
            for ch in value { out.append(ch.isNumber ? iterator.next()! : ch) }
            return out
        case .ipAddress:
            if value.contains(":") {
                return Shape.randomize(Substring(value), &rng, firstDigitNonZero: false, hex: true)
            }
            var first = Int.random(in: 11...223, using: &rng)
            if first == 127 { first = 128 }
            return ([first] + (0..<3).map { _ in Int.random(in: 0...255, using: &rng) }).map(String.init).joined(
                separator: ".")
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
