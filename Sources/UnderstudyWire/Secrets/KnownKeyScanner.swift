/// Finds well-known API-key shapes (`sk-proj-…`, `AKIA…`, `ghp_…`, …) and PEM private-key blocks
/// in raw UTF-8 bytes, such as an HTTP body or a JSON document.
///
/// High precision by design: only a known prefix at a token boundary followed by at least the
/// prefix's minimum body length counts, so words like "task-list" or "sk-short" never match.
/// The recorder uses it to scrub bodies before they reach the archive, and distill's secret
/// detector uses the same prefix table. `KeyStartFilter` rules out sixteen starts at a time (no
/// prefix's first byte at a boundary, no `--`); a table of the first two bytes of every known
/// prefix, the boundary, the prefix and its length then decide each start it lets through.
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

    /// The first two bytes of every prefix and `--` (PEM), as a bit set indexed by
    /// `first << 8 | second`: one test rules out a start (word starts in prose, every byte of a
    /// long id) before the boundary check and the prefix table.
    static let startPairs: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 1024)
        func insert(_ a: UInt8, _ b: UInt8) {
            let pair = Int(a) << 8 | Int(b)
            bits[pair >> 6] |= 1 << UInt64(pair & 63)
        }
        for (prefix, _) in prefixes {
            // KeyStartFilter compares a block's bytes with these letters only: a prefix starting
            // with another would be missed inside blocks.
            precondition(KeyStartFilter.firstLetters.contains(prefix[0] | 0x20), "KeyStartFilter.firstLetters lacks a prefix's first letter")
            insert(prefix[0], prefix[1])
        }
        insert(pemBegin[0], pemBegin[1])
        return bits
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

    /// The byte ranges of every key and PEM private-key block, in order, not overlapping.
    public static func ranges(in bytes: [UInt8]) -> [Range<Int>] {
        bytes.withUnsafeBufferPointer { ranges(in: $0) }
    }

    /// The byte ranges of every key and PEM private-key block, in order, not overlapping.
    public static func ranges(in b: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        guard let base = b.baseAddress else { return out }
        let n = b.count
        // The table is bound once per call: read through the global accessor in the loop, it
        // costs a `swift_once` check per byte (measured: most of the scanner's time on the proxy).
        startPairs.withUnsafeBufferPointer { pairs in
            var resume = 0  // matches do not overlap: no start before the last match's end
            var i = 0
            // Sixteen starts per step through `KeyStartFilter`, where its reads before and after
            // the block stay inside the bytes; the starts before and after those blocks one by one.
            let lastBlock = n - 16 - KeyStartFilter.lookAhead
            if lastBlock >= KeyStartFilter.lookBack {
                while i < KeyStartFilter.lookBack {
                    test(b, at: i, pairs: pairs, resume: &resume, into: &out)
                    i += 1
                }
                while i <= lastBlock {
                    let (low, high) = KeyStartFilter.candidates(base, at: i)
                    if low | high != 0 {
                        test(b, starts: low, from: i, pairs: pairs, resume: &resume, into: &out)
                        test(b, starts: high, from: i + 8, pairs: pairs, resume: &resume, into: &out)
                    }
                    i += 16
                }
            }
            while i < n {
                test(b, at: i, pairs: pairs, resume: &resume, into: &out)
                i += 1
            }
        }
        return out
    }

    /// `test(_:at:…)` at each byte of `from ..< from + 8` whose high bit is set in `starts`.
    @inline(__always)
    private static func test(
        _ b: UnsafeBufferPointer<UInt8>, starts: UInt64, from: Int, pairs: UnsafeBufferPointer<UInt64>,
        resume: inout Int, into out: inout [Range<Int>]
    ) {
        var m = starts
        while m != 0 {
            test(b, at: from + m.trailingZeroBitCount / 8, pairs: pairs, resume: &resume, into: &out)
            m &= m - 1
        }
    }

    /// Tests whether a match starts at `i` (not before `resume`, the end of the last match),
    /// appending it and moving `resume` past it. `pairs` is `startPairs`, read once per scan.
    @inline(__always)
    private static func test(
        _ b: UnsafeBufferPointer<UInt8>, at i: Int, pairs: UnsafeBufferPointer<UInt64>, resume: inout Int,
        into out: inout [Range<Int>]
    ) {
        // i + 1 < b.count: every match is longer than two bytes.
        guard i >= resume, i + 1 < b.count else { return }
        let c = b[i]
        let pair = Int(c) << 8 | Int(b[i + 1])
        guard pairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0 else { return }
        let end: Int?
        if c == UInt8(ascii: "-") {
            end = hasPrefix(b, at: i, pemBegin) ? pemBlock(b, from: i) : nil
        } else {
            end = atBoundary(b, i) ? keyEnd(b, at: i) : nil
        }
        if let end {
            out.append(i..<end)
            resume = end
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
