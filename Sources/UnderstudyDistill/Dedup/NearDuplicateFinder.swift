/// Finds near-duplicate texts: MinHash signatures of word shingles, LSH banding for candidate
/// pairs, then the exact Jaccard similarity of the two shingle sets to confirm each candidate,
/// so no pair below the threshold is reported (datasketch's LSH returns unconfirmed candidates).
///
/// ```swift
/// let finder = NearDuplicateFinder(configuration: DedupConfiguration(threshold: 0.9))
/// let pairs = finder.pairs(texts: ["the quick brown fox jumps", "the quick brown fox jumps!", "other"])
/// // [(0, 1)]
/// ```
public struct NearDuplicateFinder: Sendable {
    public let configuration: DedupConfiguration
    public let lsh: LSHParameters
    let shingler: Shingler
    let hasher: MinHasher
    /// Buckets larger than this are joined as a star (each member to the first) instead of all
    /// pairs, so a thousand copies cost a thousand checks, not half a million.
    public var maximumBucketPairs = 64

    public init(configuration: DedupConfiguration = DedupConfiguration()) {
        self.configuration = configuration
        // Candidates are confirmed exactly, so banding aims below the threshold: pairs just above
        // it then collide almost surely (recall) and the extra candidates cost one merge each.
        self.lsh = LSHParameters.optimal(
            threshold: configuration.threshold * 0.85, permutations: configuration.permutations)
        self.shingler = Shingler(size: configuration.shingleSize)
        self.hasher = MinHasher(permutations: configuration.permutations, seed: configuration.seed)
    }

    /// Confirmed near-duplicate pairs `(i, j)` with `i < j`, sorted. Texts only pair within the
    /// same `namespace` (for example the same model and prefix hash) when namespaces are given.
    public func pairs(texts: [String], namespaces: [String]? = nil) -> [(Int, Int)] {
        pairs(shingleSets: texts.map(shingler.shingles), namespaces: namespaces)
    }

    public func shingles(_ text: String) -> [UInt32] { shingler.shingles(text) }

    public func pairs(shingleSets: [[UInt32]], namespaces: [String]? = nil) -> [(Int, Int)] {
        let rows = lsh.rows
        var buckets = [[UInt64: [Int32]]](repeating: [:], count: lsh.bands)
        for band in 0..<lsh.bands { buckets[band].reserveCapacity(shingleSets.count) }
        for (index, shingles) in shingleSets.enumerated() where !shingles.isEmpty {
            let signature = hasher.signature(shingles)
            var namespaceHash: UInt64 = 0
            if let namespaces { namespaceHash = Self.hash(namespaces[index]) }
            for band in 0..<lsh.bands {
                var h = namespaceHash ^ UInt64(band) &* 0x9E37_79B9_7F4A_7C15
                for r in (band * rows)..<((band + 1) * rows) { h = Shingler.mix(h ^ UInt64(signature[r])) }
                buckets[band][h, default: []].append(Int32(index))
            }
        }
        var seen = Set<UInt64>()
        var confirmed: [(Int, Int)] = []
        for band in buckets {
            for (_, members) in band where members.count > 1 {
                let star = members.count > maximumBucketPairs
                for x in 0..<members.count {
                    for y in (x + 1)..<members.count {
                        if star && x > 0 { break }
                        let i = Int(min(members[x], members[y]))
                        let j = Int(max(members[x], members[y]))
                        guard seen.insert(UInt64(i) << 32 | UInt64(j)).inserted else { continue }
                        if Shingler.jaccard(shingleSets[i], shingleSets[j]) >= configuration.threshold {
                            confirmed.append((i, j))
                        }
                    }
                    if star { continue }
                }
            }
        }
        confirmed.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return confirmed
    }

    /// Connected components of the near-duplicate graph: each group sorted, groups ordered by
    /// their first member; singletons included.
    public static func groups(count: Int, pairs: [(Int, Int)]) -> [[Int]] {
        var parent = Array(0..<count)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        for (i, j) in pairs {
            let a = find(i)
            let b = find(j)
            if a != b { parent[max(a, b)] = min(a, b) }
        }
        var members: [Int: [Int]] = [:]
        for i in 0..<count { members[find(i), default: []].append(i) }
        return members.values.sorted { $0[0] < $1[0] }
    }

    static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }
}
