/// Masks the spans of a system prompt that change from request to request while the prompt is
/// otherwise the same: dates (`2025-03-14`, `14/03/2025`, with an optional `T12:30:00` time),
/// times (`9:05`, `12:30:45.123`, `23:59:59Z`, `10:00+02:00`), UUIDs, hex ids (8+ hex digits with at least one digit and
/// one letter) and numbers of 4+ digits. Used only for hashing the prefix.
///
/// ```swift
/// PrefixMasker.mask("Today is 2025-03-14. Session 8f3c2a91d0e4.")
/// // "Today is <date>. Session <hex>."
/// ```
public enum PrefixMasker {
    public static func mask(_ text: String) -> String {
        let s = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            // Only look at tokens that start a word, so "abc123" is not half-masked.
            let startsWord = i == 0 || !isAlnum(s[i - 1])
            if startsWord, isAlnum(s[i]), let (end, tag) = match(s, i) {
                out.append(contentsOf: tag.unicodeScalars)
                i = end
                continue
            }
            // Copy the whole alphanumeric run, so masking restarts at the next word.
            if isAlnum(s[i]) {
                while i < s.count, isAlnum(s[i]) {
                    out.append(s[i])
                    i += 1
                }
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(out)
    }

    private static func match(_ s: [Unicode.Scalar], _ i: Int) -> (Int, String)? {
        if let end = uuid(s, i) { return (end, "<uuid>") }
        if let end = date(s, i) {
            var end = end
            if end < s.count, s[end] == "T" || s[end] == " ", let timeEnd = time(s, end + 1) { end = timeEnd }
            if !(end < s.count && isAlnum(s[end])) { return (end, "<date>") }
        }
        if let end = time(s, i) { return (end, "<time>") }
        let end = run(s, i, isAlnum)
        let token = s[i..<end]
        let digits = token.filter(isDigit).count
        if digits == token.count, digits >= 4 { return (end, "<num>") }
        if token.count >= 8, token.allSatisfy(isHex), digits > 0, digits < token.count { return (end, "<hex>") }
        return nil
    }

    private static func uuid(_ s: [Unicode.Scalar], _ i: Int) -> Int? {
        var p = i
        for (n, length) in [8, 4, 4, 4, 12].enumerated() {
            if n > 0 {
                guard p < s.count, s[p] == "-" else { return nil }
                p += 1
            }
            let end = run(s, p, isHex)
            guard end - p == length else { return nil }
            p = end
        }
        return p < s.count && isAlnum(s[p]) ? nil : p
    }

    /// yyyy-mm-dd, yyyy/mm/dd, dd/mm/yyyy, dd.mm.yyyy, mm-dd-yy …: three digit groups, one
    /// separator kind, one group of 4 digits or all groups of at most 2.
    private static func date(_ s: [Unicode.Scalar], _ i: Int) -> Int? {
        var p = i
        var groups: [Int] = []
        var separator: Unicode.Scalar?
        while groups.count < 3 {
            let end = run(s, p, isDigit)
            guard end > p, end - p <= 4 else { return nil }
            groups.append(end - p)
            p = end
            if groups.count == 3 { break }
            guard p + 1 < s.count, "-/.".unicodeScalars.contains(s[p]), separator == nil || separator == s[p],
                isDigit(s[p + 1])
            else { return nil }
            separator = s[p]
            p += 1
        }
        let valid =
            (groups[0] == 4 && groups[1] <= 2 && groups[2] <= 2)
            || (groups[0] <= 2 && groups[1] <= 2 && (groups[2] == 4 || groups[2] == 2))
        return valid ? p : nil
    }

    /// h:mm, hh:mm:ss, with optional fraction.
    private static func time(_ s: [Unicode.Scalar], _ i: Int) -> Int? {
        var p = run(s, i, isDigit)
        guard p - i >= 1, p - i <= 2 else { return nil }
        var pairs = 0
        while pairs < 2, p < s.count, s[p] == ":" {
            let end = run(s, p + 1, isDigit)
            guard end - (p + 1) == 2 else { break }
            p = end
            pairs += 1
        }
        guard pairs > 0 else { return nil }
        if p + 1 < s.count, s[p] == ".", isDigit(s[p + 1]) { p = run(s, p + 1, isDigit) }
        // Time zone: "Z" or "+02:00".
        if p < s.count, s[p] == "Z" {
            p += 1
        } else if p + 5 < s.count, s[p] == "+" || s[p] == "-", run(s, p + 1, isDigit) == p + 3, s[p + 3] == ":",
            run(s, p + 4, isDigit) == p + 6
        {
            p += 6
        }
        return p < s.count && isAlnum(s[p]) ? nil : p
    }

    private static func run(_ s: [Unicode.Scalar], _ i: Int, _ predicate: (Unicode.Scalar) -> Bool) -> Int {
        var p = i
        while p < s.count, predicate(s[p]) { p += 1 }
        return p
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
    private static func isHex(_ c: Unicode.Scalar) -> Bool {
        isDigit(c) || ("a"..."f").contains(c) || ("A"..."F").contains(c)
    }
    private static func isAlnum(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || isDigit(c) }
}
