/// Byte classes for the detectors, which scan UTF-8 bytes directly: regular expressions on
/// Linux Foundation run at a few MB/s, far below the 20 MB/s the anonymizer must sustain.
enum ByteClass {
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b &- 0x41 < 26 }
    @inline(__always) static func isLower(_ b: UInt8) -> Bool { b &- 0x61 < 26 }
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || isAlpha(b) }
    @inline(__always) static func isHex(_ b: UInt8) -> Bool { isDigit(b) || (b | 0x20) &- 0x61 < 6 }
    /// Letters, digits and the bytes of non-ASCII characters: what makes up a word.
    @inline(__always) static func isWordByte(_ b: UInt8) -> Bool { isAlnum(b) || b == 0x5F || b >= 0x80 }
    /// Characters of API keys and tokens: `[A-Za-z0-9_-]`.
    @inline(__always) static func isTokenByte(_ b: UInt8) -> Bool { isAlnum(b) || b == 0x5F || b == 0x2D }
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D }
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { isUpper(b) ? b | 0x20 : b }

    /// What a text holds, as bits of `summary`: which detectors have anything to look at.
    static let hasAt: UInt8 = 1, hasColon: UInt8 = 2, hasDigit: UInt8 = 4, hasUpper: UInt8 = 8, hasDash: UInt8 = 16
    private static let summaryBits: [UInt8] = (0..<256).map { v in
        let b = UInt8(v)
        if b == 0x40 { return hasAt }
        if b == 0x3A { return hasColon }
        if b == 0x2D { return hasDash }
        if isDigit(b) { return hasDigit }
        if isUpper(b) { return hasUpper }
        return 0
    }

    /// The `has…` bits of every byte of `bytes`, or-ed: one table load per byte, no branch.
    static func summary(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt8 {
        summaryBits.withUnsafeBufferPointer { table in
            var bits: UInt8 = 0
            for b in bytes { bits |= table[Int(b)] }
            return bits
        }
    }

    /// Whether `bytes[at...]` starts with `prefix` (ASCII, case-sensitive).
    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, at: Int, _ prefix: [UInt8]) -> Bool {
        guard at + prefix.count <= bytes.count else { return false }
        for i in 0..<prefix.count where bytes[at + i] != prefix[i] { return false }
        return true
    }

    /// Whether `bytes[at...]` starts with `prefix`, ignoring ASCII case (`prefix` is lowercase).
    static func hasPrefixIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, at: Int, _ prefix: [UInt8]) -> Bool {
        guard at >= 0, at + prefix.count <= bytes.count else { return false }
        for i in 0..<prefix.count where lower(bytes[at + i]) != prefix[i] { return false }
        return true
    }

    /// The lowercase ASCII text of up to `window` bytes before `index`, for context-word checks.
    static func lowercasedWindow(_ bytes: UnsafeBufferPointer<UInt8>, before index: Int, window: Int) -> [UInt8] {
        let start = max(0, index - window)
        var out = [UInt8]()
        out.reserveCapacity(index - start)
        for i in start..<index { out.append(lower(bytes[i])) }
        return out
    }

    /// Whether the bytes just before `index` are `suffix` (lowercase ASCII), ignoring case.
    static func endsWithIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, before index: Int, _ suffix: [UInt8]) -> Bool
    {
        guard suffix.count <= index else { return false }
        let start = index - suffix.count
        for k in 0..<suffix.count where lower(bytes[start + k]) != suffix[k] { return false }
        return true
    }

    /// Whether any of `words` occurs in `haystack` (all lowercase ASCII).
    static func containsAny(_ haystack: [UInt8], _ words: [[UInt8]]) -> Bool {
        for word in words where contains(haystack, word) { return true }
        return false
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count, let first = needle.first else { return needle.isEmpty }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }
}

/// Checksums that make card numbers and IBANs recognisable with few false positives.
enum Checksum {
    /// The Luhn check over ASCII digits.
    static func luhn(_ digits: [UInt8]) -> Bool {
        !digits.isEmpty && luhnSum(digits, doubling: 1) % 10 == 0
    }

    /// The Luhn check digit that completes `digits` (the number without its last digit): the
    /// check digit is position 0 from the right, so the last given digit is doubled.
    static func luhnCheckDigit(_ digits: [UInt8]) -> UInt8 {
        UInt8(0x30 + (10 - luhnSum(digits, doubling: 0) % 10) % 10)
    }

    /// The Luhn sum, doubling the digits whose position from the right has parity `doubling`.
    private static func luhnSum(_ digits: [UInt8], doubling: Int) -> Int {
        var sum = 0
        for (i, d) in digits.reversed().enumerated() {
            var v = Int(d &- 0x30)
            if i % 2 == doubling {
                v *= 2
                if v > 9 { v -= 9 }
            }
            sum += v
        }
        return sum
    }

    /// ISO 13616 mod-97 of an IBAN given without spaces (uppercase letters and digits).
    static func ibanRemainder(_ iban: [UInt8]) -> Int {
        guard iban.count > 4 else { return -1 }
        let rearranged = Array(iban[4...]) + Array(iban[..<4])
        var remainder = 0
        for c in rearranged {
            if ByteClass.isDigit(c) {
                remainder = (remainder * 10 + Int(c - 0x30)) % 97
            } else if ByteClass.isUpper(c) {
                remainder = (remainder * 100 + Int(c - 0x41 + 10)) % 97
            } else {
                return -1
            }
        }
        return remainder
    }

    static func ibanIsValid(_ iban: [UInt8]) -> Bool { ibanRemainder(iban) == 1 }

    /// The two check digits for an IBAN whose check digits are to be recomputed.
    static func ibanCheckDigits(_ iban: [UInt8]) -> [UInt8] {
        var zeroed = iban
        zeroed[2] = 0x30
        zeroed[3] = 0x30
        let check = 98 - ibanRemainder(zeroed)
        return [UInt8(0x30 + check / 10), UInt8(0x30 + check % 10)]
    }
}

/// Small number formatting without Foundation's `String(format:)`.
enum TextFormat {
    /// `value` zero-padded to `width` digits.
    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Appends `value` (≥ 0) in decimal, zero-padded to `width` digits.
    static func appendDecimal(_ value: Int, width: Int = 1, to out: inout [UInt8]) {
        var digits = 1
        var power = 10
        while power <= value {
            digits += 1
            power *= 10
        }
        for _ in digits..<max(width, digits) { out.append(0x30) }
        power /= 10
        var rest = value
        while power > 0 {
            out.append(UInt8(0x30 + rest / power))
            rest %= power
            power /= 10
        }
    }

    /// A byte as two lowercase hex digits.
    static func hex(_ byte: UInt8) -> String {
        let digits: [Character] = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}
