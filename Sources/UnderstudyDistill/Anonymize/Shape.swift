/// Shape-preserving replacements: digits stay digits, letters keep their case, punctuation and
/// layout stay where they were, known prefixes and structure words are kept.
enum Shape {
    static let upper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
    static let lower = Array("abcdefghijklmnopqrstuvwxyz".utf8)
    static let hexLower = Array("0123456789abcdef".utf8)
    static let hexUpper = Array("0123456789ABCDEF".utf8)

    static func randomize(_ text: Substring, _ rng: inout SeededGenerator, firstDigitNonZero: Bool, hex: Bool = false)
        -> String
    {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        var sawDigit = false
        for b in text.utf8 {
            if hex && ByteClass.isHex(b) {
                let lowerCase = !ByteClass.isUpper(b)
                out.append((lowerCase ? hexLower : hexUpper).randomElement(using: &rng)!)
            } else if ByteClass.isDigit(b) {
                let low = firstDigitNonZero && !sawDigit ? 1 : 0
                out.append(UInt8(0x30 + Int.random(in: low...9, using: &rng)))
                sawDigit = true
            } else if ByteClass.isUpper(b) {
                out.append(upper.randomElement(using: &rng)!)
            } else if ByteClass.isLower(b) {
                out.append(lower.randomElement(using: &rng)!)
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
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
            for (prefix, _) in SecretDetector.prefixes where ByteClass.hasPrefix(buffer, at: 0, prefix) {
                keep = max(keep, prefix.count)
            }
            if ByteClass.hasPrefix(buffer, at: 0, SecretDetector.jwtStart) { keep = 3 }
        }
        return String(value.prefix(keep)) + randomize(value.dropFirst(keep), &rng, firstDigitNonZero: false)
    }

    /// Replaces the user information and token-named query values; keeps scheme, host and path.
    static func credentialURL(_ value: String, _ rng: inout SeededGenerator) -> String {
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

    /// As many name words as the original: a given name, initials kept as initials, surnames.
    static func person(_ value: String, _ rng: inout SeededGenerator) -> String {
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

    /// Word by word: numbers get new digits, suffixes, unit words and separators stay, states
    /// become other states, other capitalised words become other names.
    static func address(_ value: String, _ rng: inout SeededGenerator) -> String {
        var out = ""
        var word = ""
        func flush(_ rng: inout SeededGenerator) {
            guard !word.isEmpty else { return }
            if word.allSatisfy(\.isNumber) {
                out += randomize(Substring(word), &rng, firstDigitNonZero: true)
            } else if NameLexicon.streetSuffixSet.contains(word) || ContextDetector.unitWords.contains(word)
                || ContextDetector.militaryStart.contains(word)
                || ["APO", "FPO", "DPO", "AA", "AE", "AP", "Box", "N", "S", "E", "W"].contains(word)
            {
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
