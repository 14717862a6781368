/// MinHash signatures over 32-bit shingle hashes. Permutation i is `a[i]·h + b[i] mod 2³²`
/// with odd `a[i]`: a bijection that compiles to SIMD multiply, add and min over all
/// permutations at once, which is where the speed over per-permutation hashing comes from.
public struct MinHasher: Sendable {
    public let permutations: Int
    let a: [UInt32]
    let b: [UInt32]

    public init(permutations: Int = 128, seed: UInt64 = 1) {
        self.permutations = permutations
        var rng = SeededGenerator(state: seed)
        a = (0..<permutations).map { _ in UInt32(truncatingIfNeeded: rng.next()) | 1 }
        b = (0..<permutations).map { _ in UInt32(truncatingIfNeeded: rng.next()) }
    }

    /// The signature of a shingle set; all `UInt32.max` for an empty set.
    public func signature(_ shingles: [UInt32]) -> [UInt32] {
        var signature = [UInt32](repeating: .max, count: permutations)
        signature.withUnsafeMutableBufferPointer { sig in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    for h in shingles {
                        for i in 0..<sig.count {
                            sig[i] = min(sig[i], a[i] &* h &+ b[i])
                        }
                    }
                }
            }
        }
        return signature
    }

    /// The share of equal positions: an estimate of the Jaccard similarity.
    public static func estimate(_ x: [UInt32], _ y: [UInt32]) -> Double {
        guard !x.isEmpty, x.count == y.count else { return 0 }
        var equal = 0
        for i in 0..<x.count where x[i] == y[i] { equal += 1 }
        return Double(equal) / Double(x.count)
    }
}
