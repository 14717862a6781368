/// Finds well-known API-key shapes (`sk-proj-…`, `AKIA…`, `ghp_…`, …) and PEM private-key blocks
/// in raw UTF-8 bytes, such as an HTTP body or a JSON document.
///
/// High precision by design: only a known prefix at a token boundary followed by at least the
/// prefix's minimum body length counts, so words like "task-list" or "sk-short" never match.
/// The recorder uses it to scrub bodies before they reach the archive, and distill's secret
/// detector uses the same prefix table. Every match starts with a run of at least
/// `shortestMatchRun` key bytes, so the scan probes that far ahead and jumps past any byte that
/// is not one (prose and JSON punctuation are mostly skipped unread); inside long runs a table of
/// bytes that can start a match is the prefilter.
///
/// ```swift
/// let ranges = KnownKeyScanner.ranges(in: Array(#"{"content":"key sk-proj-0123456789abcdefghijXYZ"}"#.utf8))
/// // [13..<44]
/// ```
public enum KnownKeyScanner {
    /// Known key prefixes and the shortest body (after the prefix) that counts. Longer prefixes
    /// come before shorter ones that they start with (`sk-ant-` before `sk-`).
    public static let prefixes: [(prefix: [UInt8], minBody: Int)] = [
        ("sk-ant-", 20), ("sk-proj-", 20), ("sk-", 20), ("sk_live_", 16), ("sk_test_", 16), ("rk_live_", 16),
        ("AKIA", 16), ("ASIA", 16), ("ghp_", 30), ("gho_", 30), ("ghu_", 30), ("ghs_", 30), ("ghr_", 30),
        ("github_pat_", 30), ("glpat-", 20), ("xoxb-", 10), ("xoxp-", 10), ("xoxa-", 10), ("xoxr-", 10),
        ("xoxs-", 10), ("xapp-", 10), ("AIza", 30), ("hf_", 30), ("npm_", 30), ("SG.", 30), ("pypi-", 30),
    ].map { (Array($0.0.utf8), $0.1) }

    static let pemBegin = Array("-----BEGIN ".utf8)
    static let pemEnd = Array("-----END ".utf8)
    static let privateWord = Array("PRIVATE".utf8)

    /// `true` for bytes that can start a match: first bytes of the prefixes and '-' (PEM).
    static let startByte: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for (prefix, _) in prefixes { table[Int(prefix[0])] = true }
        table[Int(UInt8(ascii: "-"))] = true
        return table
    }()

    /// `true` for bytes that are the second byte of some prefix (`k` of `sk-`, `h` of `ghp_`, …).
    static let secondByte: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for (prefix, _) in prefixes { table[Int(prefix[1])] = true }
        return table
    }()

    /// `[A-Za-z0-9_-]`: the bytes keys are made of, and what a key must not directly follow.
    static let tokenByte: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for c in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(c)] = true }
        for c in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(c)] = true }
        for c in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(c)] = true }
        table[Int(UInt8(ascii: "_"))] = true
        table[Int(UInt8(ascii: "-"))] = true
        return table
    }()

    /// Whether `byte` can be part of a key's body (`[A-Za-z0-9_.-]`).
    public static func isKeyByte(_ byte: UInt8) -> Bool {
        tokenByte[Int(byte)] || byte == UInt8(ascii: ".")
    }

    /// `isKeyByte` as a table, for the scan's skips.
    static let keyByte: [Bool] = (0...255).map { isKeyByte(UInt8($0)) }

    /// The fewest key bytes (`isKeyByte`) every match starts with: a known prefix and its
    /// shortest body, or `-----BEGIN` before its space. So a match can start only where that
    /// many key bytes follow, and a byte that is not one rules out every start before it within
    /// that distance: the scan skips ahead by probing instead of testing every byte.
    static let shortestMatchRun: Int = {
        let keys = prefixes.map { prefix, minBody in
            precondition(prefix.allSatisfy(isKeyByte), "a prefix with a byte keys are not made of")
            return prefix.count + minBody
        }
        return min(keys.min() ?? 1, pemBegin.prefix(while: isKeyByte).count)
    }()

    /// The byte ranges of every key and PEM private-key block, in order, not overlapping.
    public static func ranges(in bytes: [UInt8]) -> [Range<Int>] {
        bytes.withUnsafeBufferPointer { ranges(in: $0) }
    }

    /// The byte ranges of every key and PEM private-key block, in order, not overlapping.
    public static func ranges(in b: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        let run = shortestMatchRun
        // The tables are bound once per call: read through the global accessor in the loop, they
        // cost a `swift_once` check per byte (measured: most of the scanner's time on the proxy).
        let tables = (start: startByte, second: secondByte)
        keyByte.withUnsafeBufferPointer { key in
            let n = b.count
            var i = 0
            while i + run <= n {
                // A match starting in i...i+run-1 needs every byte up to the probe to be a key
                // byte: the last byte that is not one, at or before the probe, bounds the starts.
                // In prose and JSON punctuation this skips most bytes unread.
                var last = i + run - 1
                while last >= i, key[Int(b[last])] { last -= 1 }
                if last >= i {
                    i = last + 1
                    continue
                }
                // b[i..<i+run] are key bytes: every start up to the end of this run of them is
                // a candidate, tested byte by byte as before.
                var runEnd = i + run
                while runEnd < n, key[Int(b[runEnd])] { runEnd += 1 }
                i = candidates(b, from: i, through: runEnd - run, tables: tables, into: &out)
            }
        }
        return out
    }

    /// Tests every start in `from...through` (the original byte-by-byte scan), appending matches;
    /// returns where scanning goes on (past the last match, or past `through`).
    /// `tables` are `startByte` and `secondByte`, read once per scan (see `ranges(in:)`).
    private static func candidates(
        _ b: UnsafeBufferPointer<UInt8>, from: Int, through last: Int, tables: (start: [Bool], second: [Bool]),
        into out: inout [Range<Int>]
    ) -> Int {
        tables.start.withUnsafeBufferPointer { start in
            tables.second.withUnsafeBufferPointer { second in
                let n = b.count
                var i = from
                while i <= last {
                    let c = b[i]
                    guard start[Int(c)] else {
                        i += 1
                        continue
                    }
                    if c == UInt8(ascii: "-") {
                        if hasPrefix(b, at: i, pemBegin), let end = pemBlock(b, from: i) {
                            out.append(i..<end)
                            i = end
                        } else {
                            i += 1
                        }
                        continue
                    }
                    // Every prefix is at least 3 bytes: its second byte rules out most candidates
                    // (word starts in prose) before the boundary check and the prefix table.
                    if i + 1 < n, second[Int(b[i + 1])], atBoundary(b, i), let end = keyEnd(b, at: i) {
                        out.append(i..<end)
                        i = end
                        continue
                    }
                    i += 1
                }
                return i
            }
        }
    }

    /// The end of a key starting at `start`, if a known prefix with a long enough body is there.
    static func keyEnd(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        for (prefix, minBody) in prefixes where hasPrefix(b, at: start, prefix) {
            var end = start + prefix.count
            while end < b.count {
                if tokenByte[Int(b[end])] {
                    end += 1
                } else if b[end] == UInt8(ascii: "."), end + 1 < b.count, tokenByte[Int(b[end + 1])] {
                    end += 1  // dotted keys (SendGrid's SG.x.y), never a sentence's final period
                } else {
                    break
                }
            }
            if end - start - prefix.count >= minBody { return end }
        }
        return nil
    }

    /// Whether a key may start at `i`: not glued to a preceding token byte. A letter that ends a
    /// JSON escape (`\n`, `\t`, `\u0022`) is a boundary, since the text it stands for is one.
    static func atBoundary(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        guard i > 0, tokenByte[Int(b[i - 1])] else { return true }
        if i >= 2, b[i - 2] == UInt8(ascii: "\\") { return true }
        if i >= 6, b[i - 6] == UInt8(ascii: "\\"), b[i - 5] == UInt8(ascii: "u") { return true }
        return false
    }

    /// The end of a PEM block whose header names a PRIVATE key. Without an END line the block
    /// runs to the end of the enclosing JSON string (an unescaped quote) or of the text.
    static func pemBlock(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var i = start + pemBegin.count
        let headerEnd = min(b.count, i + 64)
        var isPrivate = false
        while i < headerEnd, b[i] != UInt8(ascii: "-") {
            if hasPrefix(b, at: i, privateWord) { isPrivate = true }
            i += 1
        }
        guard isPrivate else { return nil }
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\""), b[i - 1] != UInt8(ascii: "\\") { return i }
            if c == UInt8(ascii: "-"), hasPrefix(b, at: i, pemEnd) {
                var j = i + pemEnd.count
                while j < b.count, j < i + 80, b[j] != UInt8(ascii: "-"), b[j] != UInt8(ascii: "\"") { j += 1 }
                while j < b.count, b[j] == UInt8(ascii: "-") { j += 1 }
                return j
            }
            i += 1
        }
        return b.count
    }

    static func hasPrefix(_ b: UnsafeBufferPointer<UInt8>, at i: Int, _ prefix: [UInt8]) -> Bool {
        guard i + prefix.count <= b.count else { return false }
        for k in 0..<prefix.count where b[i + k] != prefix[k] { return false }
        return true
    }
}
