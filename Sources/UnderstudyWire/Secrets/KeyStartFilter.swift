/// Which of sixteen bytes can start a match of `KnownKeyScanner`, tested together in one vector
/// register: a byte that a known prefix starts with (`s`, `r`, `A`, `g`, `x`, `h`, `n`, `S`, `p`,
/// either case) where a key may start (after a byte that is not `[A-Za-z0-9_-]`, or near an escape),
/// or a dash followed by a dash (a PEM line). It is a superset: the scanner tests each start it
/// lets through exactly (first two bytes, boundary, prefix and length). In the JSON of a chat
/// stream about one byte in sixty passes, so most blocks of sixteen are ruled out by a few dozen
/// vector instructions; the scan it replaced went through runs of key bytes eight bytes per step
/// and then tested every start inside ids and member names.
///
/// Lane comparisons (`.==`, `.<`) are turned into integers at once (`lanes`) and combined with
/// integer operations: so the compiler emits SSE2 compares; combined as `SIMDMask`s (`.|`,
/// `any`) they compile to a loop per lane. A lane that passes is 0xFF, so the two halves of the
/// result read as masks in the style of UnderstudyArchive's `SWARBytes` (high bit per byte).
enum KeyStartFilter {
    typealias Lanes = SIMD16<UInt8>

    /// The first bytes of `KnownKeyScanner.prefixes`, in lower case: `candidates` compares with
    /// each of them.
    static let firstLetters = Array("aghnprsx".utf8)

    /// Bytes before a block that its test reads: a key starts after `\` plus a letter (`\n`) or
    /// six bytes after a `\u` escape's backslash.
    static let lookBack = 6
    /// Bytes after a block that its test reads (the byte after a dash).
    static let lookAhead = 1

    /// The starts in `base[i ..< i + 16]` worth testing, as two masks with the high bit of each
    /// passing byte set (bytes `i ..< i + 8`, then `i + 8 ..< i + 16`). Reads
    /// `base[i - lookBack ..< i + 16 + lookAhead]`.
    @inline(__always)
    static func candidates(_ base: UnsafePointer<UInt8>, at i: Int) -> (low: UInt64, high: UInt64) {
        let bytes = load(base, i)
        let folded = bytes | Lanes(repeating: 0x20)  // letters in lower case; no other byte becomes one
        // `firstLetters`, one compare each (`KnownKeyScanner.startPairs` refuses a prefix that
        // starts with a letter not listed there; `everyPrefixAtEveryBlockOffset` tests every one).
        let first =
            equal(folded, "a") | equal(folded, "g") | equal(folded, "h") | equal(folded, "n")
            | equal(folded, "p") | equal(folded, "r") | equal(folded, "s") | equal(folded, "x")
        let boundary =
            ~token(load(base, i - 1)) | equal(load(base, i - 2), "\\") | equal(load(base, i - lookBack), "\\")
        let dashes = equal(bytes, "-") & equal(load(base, i + lookAhead), "-")
        let starts = unsafeBitCast((first & boundary) | dashes, to: SIMD2<UInt64>.self)
        let highs: UInt64 = 0x8080_8080_8080_8080
        return (starts[0] & highs, starts[1] & highs)
    }

    @inline(__always)
    private static func load(_ base: UnsafePointer<UInt8>, _ offset: Int) -> Lanes {
        UnsafeRawPointer(base).loadUnaligned(fromByteOffset: offset, as: Lanes.self)
    }

    /// A comparison's lanes as integers: 0xFF where true, 0 where false.
    @inline(__always)
    private static func lanes(_ mask: SIMDMask<SIMD16<Int8>>) -> Lanes {
        unsafeBitCast(mask, to: Lanes.self)
    }

    @inline(__always)
    private static func equal(_ bytes: Lanes, _ byte: Unicode.Scalar) -> Lanes {
        lanes(bytes .== Lanes(repeating: UInt8(byte.value)))
    }

    /// 0xFF in each lane that is a token byte (`[A-Za-z0-9_-]`, what a key must not follow).
    /// Folding sets 0x20: only ASCII letters then fall in `a...z`.
    @inline(__always)
    private static func token(_ bytes: Lanes) -> Lanes {
        let letter = lanes((bytes | Lanes(repeating: 0x20)) &- Lanes(repeating: 0x61) .< Lanes(repeating: 26))
        let digit = lanes(bytes &- Lanes(repeating: 0x30) .< Lanes(repeating: 10))
        return letter | digit | equal(bytes, "_") | equal(bytes, "-")
    }
}
