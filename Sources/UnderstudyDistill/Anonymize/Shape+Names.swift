/// Surrogates for names and street addresses. Both work on the UTF-8 bytes when the value is
/// ASCII without CRs (nearly always): walking `Character`s and hashing `String` words made these two a
/// tenth of the anonymizer's time on entity-dense text. Other values take the `Character` path,
/// whose Unicode letter and case rules the byte path reproduces for ASCII, draw for draw.
extension Shape {
    /// As many name words as the original: a given name, initials kept as initials, surnames.
    static func person(_ value: String, _ rng: inout SeededGenerator) -> String {
        guard isPlainASCII(value) else { return personByCharacter(value, &rng) }
        let bytes = Array(value.utf8)
        var hasUpper = false
        var hasLower = false
        for b in bytes {
            if ByteClass.isUpper(b) { hasUpper = true } else if ByteClass.isLower(b) { hasLower = true }
        }
        let allCaps = hasUpper && !hasLower
        let parts = bytes.split(separator: 0x20, omittingEmptySubsequences: false)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        for (i, part) in parts.enumerated() {
            if i > 0 { out.append(0x20) }
            let wordStart = out.count
            if part.count <= 2, let first = part.first, ByteClass.isUpper(first) {
                out.append(upper.randomElement(using: &rng)!)
                if part.last == 0x2E { out.append(0x2E) }
            } else if i == 0 && parts.count > 1
                || parts.count == 1 && firstNameBytes.contains(part)
            {
                out += NameLexicon.firstNames.randomElement(using: &rng)!.utf8
            } else {
                out += NameLexicon.surnames.randomElement(using: &rng)!.utf8
            }
            if part.last == 0x2C { out.append(0x2C) }
            if allCaps {
                for k in wordStart..<out.count { out[k] = (ByteClass.isLower(out[k]) ? out[k] & 0xDF : out[k]) }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Words kept as they are in an address surrogate: street suffixes, unit words, military
    /// address words and compass points.
    static let keptAddressWords: Set<String> = NameLexicon.streetSuffixSet.union(ContextDetector.unitWords)
        .union(ContextDetector.militaryStart).union(["APO", "FPO", "DPO", "AA", "AE", "AP", "Box", "N", "S", "E", "W"])
    // The same lists for the ASCII paths, looked up on bytes.
    static let keptAddressWordBytes = ByteWordSet(keptAddressWords)
    static let stateBytes = ByteWordSet(NameLexicon.stateSet)
    static let firstNameBytes = ByteWordSet(NameLexicon.firstNameSet)

    /// Word by word: numbers get new digits, suffixes, unit words and separators stay, states
    /// become other states, other capitalised words become other names.
    static func address(_ value: String, _ rng: inout SeededGenerator) -> String {
        guard isPlainASCII(value) else { return addressByCharacter(value, &rng) }
        let bytes = Array(value.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var i = 0
        while i < bytes.count {
            guard ByteClass.isAlnum(bytes[i]) else {
                out.append(bytes[i])
                i += 1
                continue
            }
            var j = i
            var allDigits = true
            while j < bytes.count && ByteClass.isAlnum(bytes[j]) {
                if !ByteClass.isDigit(bytes[j]) { allDigits = false }
                j += 1
            }
            let word = bytes[i..<j]
            if allDigits {
                randomize(word, into: &out, &rng, firstDigitNonZero: true)
            } else {
                if keptAddressWordBytes.contains(word) {
                    out += word
                } else if stateBytes.contains(word) {
                    out += NameLexicon.states.randomElement(using: &rng)!.utf8
                } else if ByteClass.isUpper(word.first!) {
                    out += (Bool.random(using: &rng) ? NameLexicon.cities : NameLexicon.surnames).randomElement(
                        using: &rng)!.utf8
                } else {
                    randomize(word, into: &out, &rng, firstDigitNonZero: false)
                }
            }
            i = j
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `person` for values with non-ASCII characters.
    private static func personByCharacter(_ value: String, _ rng: inout SeededGenerator) -> String {
        let parts = value.split(separator: " ", omittingEmptySubsequences: false)
        let allCaps = value == value.uppercased() && value != value.lowercased()
        var out: [String] = []
        for (i, part) in parts.enumerated() {
            var word: String
            if part.count <= 2 && part.first?.isUppercase == true {
                word =
                    String(upper.randomElement(using: &rng).map { Character(Unicode.Scalar($0)) }!)
                    + (part.hasSuffix(".") ? "." : "")
            } else if i == 0 && parts.count > 1 || parts.count == 1 && NameLexicon.firstNameSet.contains(String(part)) {
                word = NameLexicon.firstNames.randomElement(using: &rng)!
            } else {
                word = NameLexicon.surnames.randomElement(using: &rng)!
            }
            if part.hasSuffix(",") { word += "," }
            out.append(allCaps ? word.uppercased() : word)
        }
        return out.joined(separator: " ")
    }

    /// `address` for values with non-ASCII characters.
    private static func addressByCharacter(_ value: String, _ rng: inout SeededGenerator) -> String {
        var out = ""
        var word = ""
        func flush(_ rng: inout SeededGenerator) {
            guard !word.isEmpty else { return }
            if word.allSatisfy(\.isNumber) {
                out += randomize(Substring(word), &rng, firstDigitNonZero: true)
            } else if keptAddressWords.contains(word) {
                out += word
            } else if NameLexicon.stateSet.contains(word) {
                out += NameLexicon.states.randomElement(using: &rng)!
            } else if word.first?.isUppercase == true {
                out += (Bool.random(using: &rng) ? NameLexicon.cities : NameLexicon.surnames).randomElement(
                    using: &rng)!
            } else {
                out += randomize(Substring(word), &rng, firstDigitNonZero: false)
            }
            word = ""
        }
        for ch in value {
            if ch.isLetter || ch.isNumber {
                word.append(ch)
            } else {
                flush(&rng)
                out.append(ch)
            }
        }
        flush(&rng)
        return out
    }
}
