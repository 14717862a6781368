/// Finds entities recognisable by their shape and, where one exists, a checksum: emails, phone
/// numbers, payment cards (Luhn), IBANs (mod 97), US SSNs, IPv4 and IPv6 addresses and MAC
/// addresses. Context words decide the ambiguous shapes: ten bare digits are a phone number
/// after "call me at" and an order id after "order #".
struct StructuredDetector {
    static let phoneWords = WordList([
        "phone", "call", "tel", "mobile", "cell", "fax", "sms", "text me", "whatsapp", "dial", "reach",
    ])
    static let idWords = WordList([
        "order", "invoice", "ticket", "tracking", "ref", "#", " id", "sku", "case", "confirmation", "account",
        "po ", "serial", "batch", "txn", "transaction", "build", "job", "isbn", "pr ",
    ])
    static let ssnWords = WordList(["ssn", "social security", "social-security"])
    static let versionWords = WordList(["version", "release", "build", "ver.", "firmware", "oid", " v", "sdk", "api "])
    static let phoneFields = words(["phone", "mobile", "tel", "fax", "cell"])
    static let cardIssuerPrefixes = words(["1800", "2131", "0604"])
    static let extensionWord = Array(" ext".utf8)

    static func words(_ list: [String]) -> [[UInt8]] { list.map { Array($0.utf8) } }

    /// All structured entities in `bytes`. `field` is the lowercased name of the JSON member
    /// holding the text, when there is one, which counts as context ("phone": "5551234567").
    /// `summary` is `ByteClass.summary(bytes)`: scans that need a byte the text lacks are skipped
    /// (an IBAN starts with two capitals, a MAC address has ':' or '-', IPv6 has ':').
    func detect(
        _ bytes: UnsafeBufferPointer<UInt8>, summary: UInt8, field: [UInt8]?, into out: inout [DetectedEntity]
    ) {
        if summary & ByteClass.hasAt != 0 { emails(bytes, into: &out) }
        guard summary & ByteClass.hasDigit != 0 else { return }
        numericRuns(bytes, field: field, into: &out)
        if summary & ByteClass.hasUpper != 0 { ibans(bytes, into: &out) }
        if summary & (ByteClass.hasColon | ByteClass.hasDash) != 0 { macAddresses(bytes, into: &out) }
        if summary & ByteClass.hasColon != 0 { ipv6(bytes, into: &out) }
    }

    // MARK: Email

    @inline(__always) private static func isLocalByte(_ b: UInt8) -> Bool {
        ByteClass.isAlnum(b) || b == 0x2E || b == 0x5F || b == 0x25 || b == 0x2B || b == 0x2D
    }

    private func emails(_ b: UnsafeBufferPointer<UInt8>, into out: inout [DetectedEntity]) {
        let n = b.count
        for at in 0..<n where b[at] == 0x40 {
            var start = at
            while start > 0 && Self.isLocalByte(b[start - 1]) && at - start < 64 { start -= 1 }
            while start < at && (b[start] == 0x2E || b[start] == 0x2D) { start += 1 }
            guard start < at else { continue }
            var end = at + 1
            while end < n && (ByteClass.isAlnum(b[end]) || b[end] == 0x2D || b[end] == 0x2E) { end += 1 }
            while end > at + 1 && (b[end - 1] == 0x2E || b[end - 1] == 0x2D) { end -= 1 }
            var lastDot = -1
            for i in (at + 1)..<end where b[i] == 0x2E { lastDot = i }
            guard lastDot > at + 1, end - lastDot - 1 >= 2 else { continue }
            var tldLetters = true
            for i in (lastDot + 1)..<end where !ByteClass.isAlpha(b[i]) { tldLetters = false }
            guard tldLetters else { continue }
            out.append(DetectedEntity(type: .email, range: start..<end, confidence: 1))
        }
    }

    // MARK: Digit runs: phone, card, SSN, IPv4

    private struct Run {
        var start: Int
        var end: Int
        var digits: [UInt8] = []
        var groups: [Int] = []
        var separators: [UInt8] = []
        var plus = false
        var paren = false
    }

    private func numericRuns(_ b: UnsafeBufferPointer<UInt8>, field: [UInt8]?, into out: inout [DetectedEntity]) {
        let n = b.count
        var i = 0
        // One run value reused for every digit run: no allocation per number.
        var run = Run(start: 0, end: 0)
        run.digits.reserveCapacity(32)
        run.groups.reserveCapacity(8)
        run.separators.reserveCapacity(8)
        while i < n {
            let c = b[i]
            let digit = ByteClass.isDigit(c)
            let opener = !digit && (c == 0x2B || c == 0x28) && i + 1 < n && ByteClass.isDigit(b[i + 1])
            guard digit || opener else {
                i += 1
                continue
            }
            if i > 0 {
                let p = b[i - 1]
                let glued =
                    ByteClass.isWordByte(p) || p == 0x2E || p == 0x2F || p == 0x24
                    || (p == 0x2D && i > 1 && ByteClass.isAlnum(b[i - 2]))
                if glued {
                    i += 1
                    while i < n && (ByteClass.isDigit(b[i]) || b[i] == 0x2E || b[i] == 0x2D) { i += 1 }
                    continue
                }
            }
            run.start = i
            run.end = i
            run.digits.removeAll(keepingCapacity: true)
            run.groups.removeAll(keepingCapacity: true)
            run.separators.removeAll(keepingCapacity: true)
            run.plus = false
            run.paren = false
            var j = i
            if opener {
                run.plus = c == 0x2B
                run.paren = c == 0x28
                j += 1
            }
            var current = 0
            while j < n {
                let x = b[j]
                if ByteClass.isDigit(x) {
                    run.digits.append(x)
                    current += 1
                    j += 1
                    continue
                }
                guard current > 0, x == 0x2D || x == 0x2E || x == 0x20 || x == 0x29 || x == 0x28 else { break }
                var k = j + 1
                if x == 0x29 && k < n && (b[k] == 0x20 || b[k] == 0x2D) { k += 1 }
                guard k < n, ByteClass.isDigit(b[k]) else { break }
                // A space joins groups only when the next group is long enough to be part of a
                // number: "555 123 4567" but not "4567 2 times".
                if x == 0x20 {
                    var m = k
                    while m < n && ByteClass.isDigit(b[m]) { m += 1 }
                    if m - k < 2 || run.digits.count + (m - k) > 19 { break }
                }
                run.groups.append(current)
                run.separators.append(x)
                current = 0
                j = k
            }
            run.groups.append(current)
            run.end = j
            if j < n && (ByteClass.isAlpha(b[j]) || b[j] == 0x5F) && b[j] != 0x78 {
                i = j + 1
                continue
            }
            classify(&run, b, field: field, into: &out)
            i = max(run.end, i + 1)
        }
    }

    private func classify(
        _ run: inout Run, _ b: UnsafeBufferPointer<UInt8>, field: [UInt8]?, into out: inout [DetectedEntity]
    ) {
        // Every rule below needs four digits or more (an IPv4 address); most digit runs are shorter.
        guard run.digits.count >= 4 else { return }
        let d = run.digits
        let g = run.groups
        var seps = SeparatorSet()
        for x in run.separators { seps.insert(x) }
        // Context windows are scanned only by the rules that read them (most runs need one or none).
        var idContextCache: Bool?
        var idContext: Bool {
            get {
                if let known = idContextCache { return known }
                let found = Self.idWords.occurs(in: b, before: run.start, window: 14)
                idContextCache = found
                return found
            }
        }
        var phoneContext: Bool {
            Self.phoneWords.occurs(in: b, before: run.start, window: 48)
                || (field.map { ByteClass.containsAny($0, Self.phoneFields) } ?? false)
        }

        // IPv4: four dotted octets, unless it is a version number ("version 1.2.3.4", "v10.0.0.1").
        if !run.plus && !run.paren && g.count == 4 && seps.only(0x2E) && g.allSatisfy({ $0 <= 3 }) {
            var valid = true
            var offset = 0
            for len in g {
                let octet = d[offset..<offset + len].reduce(0) { $0 * 10 + Int($1 - 0x30) }
                if octet > 255 || (len > 1 && d[offset] == 0x30) { valid = false }
                offset += len
            }
            let versionish =
                Self.versionWords.occurs(in: b, before: run.start, window: 12)
                || (run.start > 0 && (b[run.start - 1] | 0x20) == 0x76)
            if valid && !versionish { out.append(DetectedEntity(type: .ipAddress, range: run.start..<run.end)) }
            return
        }
        // Payment card: 13-19 digits, a plausible issuer digit, Luhn, card-like grouping.
        // Issuers: 2-6 (Visa, Mastercard, Amex, Discover, JCB, Diners, Maestro), JCB's old
        // 1800/2131 15-digit ranges; 12-digit numbers only as Maestro (5, 6).
        let lengthOK = (13...19).contains(d.count) || (d.count == 12 && (d[0] == 0x35 || d[0] == 0x36 || d[0] == 0x30))
        if lengthOK, !run.plus, !run.paren,
            (0x32...0x36).contains(d[0]) || Self.cardIssuerPrefixes.contains(where: { d.starts(with: $0) }),
            Checksum.luhn(d)
        {
            let grouped =
                seps.isEmpty
                || ((seps.only(0x20) || seps.only(0x2D))
                    && (g.dropLast().allSatisfy { $0 == 4 } || g == [4, 6, 5] || g == [4, 6, 4]))
            if grouped {
                out.append(
                    DetectedEntity(type: .creditCard, range: run.start..<run.end, confidence: idContext ? 0.6 : 1))
                return
            }
        }
        // US SSN: AAA-GG-SSSS with valid ranges; nine bare digits only after "SSN".
        if d.count == 9 && !run.plus && !run.paren {
            let ssnContext =
                Self.ssnWords.occurs(in: b, before: run.start, window: 48)
                || (field.map { ByteClass.containsAny($0, Self.ssnWords.words) } ?? false)
            let shaped =
                (g == [3, 2, 4] && (seps.only(0x2D) || (seps.only(0x20) && ssnContext))) || (g == [9] && ssnContext)
            if shaped && Self.validSSN(d) {
                out.append(DetectedEntity(type: .usSSN, range: run.start..<run.end))
                return
            }
        }
        // Phone numbers.
        var end = run.end
        var confidence = 0.0
        if run.plus && (8...15).contains(d.count) {
            confidence = 0.95
        } else {
            var local = g
            if local.count >= 4
                && ((local[0] == 1 && d[0] == 0x31) || (local[0] == 3 && d.starts(with: [0x30, 0x30, 0x31])))
            {
                local.removeFirst()
            }
            if local == [3, 3, 4] {
                // "Order #415-555-0132": an id word right before wins over a phone word further back.
                confidence = idContext ? 0 : 0.9
            } else if seps.isEmpty && (d.count == 10 || (d.count == 11 && d[0] == 0x31)) {
                confidence = !idContext && phoneContext ? 0.85 : 0
            } else if (local == [3, 4] || (local.count >= 3 && (7...13).contains(d.count))) && !idContext
                && phoneContext
            {
                confidence = 0.7
            }
        }
        guard confidence > 0 else { return }
        end = Self.extensionEnd(b, from: end)
        out.append(DetectedEntity(type: .phone, range: run.start..<end, confidence: confidence))
    }

    /// The separator kinds of a digit run (space, '-', '.', parentheses) as bits.
    struct SeparatorSet {
        var bits: UInt8 = 0
        static func bit(_ x: UInt8) -> UInt8 {
            switch x {
            case 0x20: return 1
            case 0x2D: return 2
            case 0x2E: return 4
            default: return 8
            }
        }
        mutating func insert(_ x: UInt8) { bits |= Self.bit(x) }
        var isEmpty: Bool { bits == 0 }
        func only(_ x: UInt8) -> Bool { bits == Self.bit(x) }
    }

    /// Extends a phone number over an extension: "x123", " ext. 123", " ext 123".
    private static func extensionEnd(_ b: UnsafeBufferPointer<UInt8>, from end: Int) -> Int {
        var k = end
        if k < b.count && b[k] == 0x78 {
            k += 1
        } else if ByteClass.hasPrefixIgnoringCase(b, at: k, extensionWord) {
            k += 4
            if k < b.count && b[k] == 0x2E { k += 1 }
            if k < b.count && b[k] == 0x20 { k += 1 }
        } else {
            return end
        }
        let digitsStart = k
        while k < b.count && ByteClass.isDigit(b[k]) && k - digitsStart < 6 { k += 1 }
        return k > digitsStart && (k == b.count || !ByteClass.isAlnum(b[k])) ? k : end
    }

    static func validSSN(_ d: [UInt8]) -> Bool {
        let area = d[0..<3].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        let group = d[3..<5].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        let serial = d[5..<9].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
    }
}
