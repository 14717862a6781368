import UnderstudyArchive

/// Finds well-known API-key shapes (`sk-proj-…`, `AKIA…`, `ghp_…`, …) and PEM private-key blocks
/// in raw UTF-8 bytes, such as an HTTP body or a JSON document.
///
/// High precision by design: only a known prefix at a token boundary followed by at least the
/// prefix's minimum body length counts, so words like "task-list" or "sk-short" never match.
/// The recorder uses it to scrub bodies before they reach the archive, and distill's secret
/// detector uses the same prefix table. Every match starts with a run of at least
/// `shortestMatchRun` (> 8) key bytes, so the scan finds runs of key bytes eight bytes per step
/// and looks only at runs that long; inside them a table of the first two bytes of every known
/// prefix is the prefilter of where a match can start.
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
        for (prefix, _) in prefixes { insert(prefix[0], prefix[1]) }
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

    /// `isKeyByte` as a table, for the scan's skips.
    static let keyByte: [Bool] = (0...255).map { isKeyByte(UInt8($0)) }

    /// The fewest key bytes (`isKeyByte`) every match starts with: a known prefix and its
    /// shortest body, or `-----BEGIN` before its space. So a match can start only where that
    /// many key bytes follow, and a byte that is not one rules out every start before it within
    /// that distance: the scan looks for such runs eight bytes per step.
    static let shortestMatchRun: Int = {
        let keys = prefixes.map { prefix, minBody in
            precondition(prefix.allSatisfy(isKeyByte), "a prefix with a byte keys are not made of")
            return prefix.count + minBody
        }
        let shortest = min(keys.min() ?? 1, pemBegin.prefix(while: isKeyByte).count)
        // The eight-bytes-per-step scan in `ranges` never looks again at the runs a word's
        // non-key bytes delimit inside it, which is right only while no match fits in eight bytes.
        precondition(shortest > 8, "a known key prefix with its shortest body fits in 8 bytes: the SWAR scan would miss it")
        return shortest
    }()

    /// The byte ranges of every key and PEM private-key block, in order, not overlapping.
    public static func ranges(in bytes: [UInt8]) -> [Range<Int>] {
        bytes.withUnsafeBufferPointer { ranges(in: $0) }
    }

    /// The byte ranges of every key and PEM private-key block, in order, not overlapping.
    public static func ranges(in b: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        guard let base = b.baseAddress else { return out }
        let run = shortestMatchRun
        // The tables are bound once per call: read through the global accessor in the loop, they
        // cost a `swift_once` check per byte (measured: most of the scanner's time on the proxy).
        startPairs.withUnsafeBufferPointer { pairs in
            keyByte.withUnsafeBufferPointer { key in
                let n = b.count
                // Runs of key bytes are found eight bytes per step (SWAR): a match can only start
                // in a run of at least `run` (> 8) key bytes, so of the runs a word's non-key
                // bytes delimit only the first (continuing the run before the word) and the last
                // (going on into the next) can be long enough; the bytes between are never read again.
                var runStart = 0
                var i = 0
                while i < n {
                    // Where the run of key bytes before `i` ends, and where the next one starts.
                    let runEnd: Int
                    let nextStart: Int
                    if i + 8 <= n {
                        let nonKey = Self.nonKeyBytes(SWARBytes.load(base, i))
                        if nonKey == 0 {
                            i += 8
                            continue
                        }
                        runEnd = i + nonKey.trailingZeroBitCount / 8
                        nextStart = i + 8 - nonKey.leadingZeroBitCount / 8
                        i += 8
                    } else {
                        if key[Int(b[i])] {
                            i += 1
                            continue
                        }
                        runEnd = i
                        i += 1
                        nextStart = i
                    }
                    if runEnd - runStart >= run {
                        let resume = candidates(b, from: runStart, through: runEnd - run, pairs: pairs, into: &out)
                        if resume > runEnd {  // a PEM block runs on past the run: go on after it
                            i = resume
                            runStart = resume
                            continue
                        }
                    }
                    runStart = nextStart
                }
                if n - runStart >= run {
                    _ = candidates(b, from: runStart, through: n - run, pairs: pairs, into: &out)
                }
            }
        }
        return out
    }

    /// The high bit of each byte of `word` that is not a key byte (`[A-Za-z0-9_.-]`, ASCII).
    @inline(__always)
    static func nonKeyBytes(_ word: UInt64) -> UInt64 {
        let highs: UInt64 = 0x8080_8080_8080_8080
        let ascii = ~word & highs
        let low = word & 0x7F7F_7F7F_7F7F_7F7F
        let key =
            inRange(low | 0x2020_2020_2020_2020, 0x61, 0x7A) | inRange(low, 0x30, 0x39) | inRange(low, 0x2D, 0x2E)
            | SWARBytes.equal(low, 0x5F)
        return ascii & ~key | ~ascii & highs
    }

    /// Bytes of `low` (all below 0x80) in `lo...hi`: adding `0x80 - lo` sets a byte's high bit
    /// exactly when it is at least `lo`, adding `0x7F - hi` exactly when it is above `hi`.
    @inline(__always)
    private static func inRange(_ low: UInt64, _ lo: UInt8, _ hi: UInt8) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        return (low &+ ones &* UInt64(0x80 - lo)) & ~(low &+ ones &* UInt64(0x7F - hi)) & 0x8080_8080_8080_8080
    }

    /// Tests every start in `from...through` (all inside one run of key bytes at least
    /// `shortestMatchRun` long), appending matches; returns where scanning goes on (past the last
    /// match, or past `through`). `pairs` is `startPairs`, read once per scan (see `ranges(in:)`).
    private static func candidates(
        _ b: UnsafeBufferPointer<UInt8>, from: Int, through last: Int, pairs: UnsafeBufferPointer<UInt64>,
        into out: inout [Range<Int>]
    ) -> Int {
        var i = from
        while i <= last {
            // i + 1 < b.count: the run holds at least `shortestMatchRun` bytes from `last`.
            let c = b[i]
            let pair = Int(c) << 8 | Int(b[i + 1])
            guard pairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0 else {
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
            if atBoundary(b, i), let end = keyEnd(b, at: i) {
                out.append(i..<end)
                i = end
                continue
            }
            i += 1
        }
        return i
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
