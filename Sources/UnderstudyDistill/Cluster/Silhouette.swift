/// The silhouette coefficient on cosine distance: for each point, how much closer it is to its
/// own cluster than to the nearest other one (-1…1). Used to pick k and to report cohesion.
public enum Silhouette {
    /// Mean silhouette over `sample` (all points when nil). Singleton clusters score 0.
    public static func mean(_ vectors: VectorSet, assignments: [Int], sample: [Int]? = nil) -> Float {
        let n = vectors.count
        let k = (assignments.max() ?? 0) + 1
        guard n > 1, k > 1 else { return 0 }
        let points = sample ?? Array(0..<n)
        var counts = [Int](repeating: 0, count: k)
        for i in points { counts[assignments[i]] += 1 }
        var total: Float = 0
        for i in points {
            var sums = [Float](repeating: 0, count: k)
            for j in points where j != i { sums[assignments[j]] += vectors.distance(i, j) }
            let own = assignments[i]
            guard counts[own] > 1 else { continue }
            let a = sums[own] / Float(counts[own] - 1)
            var b = Float.infinity
            for c in 0..<k where c != own && counts[c] > 0 { b = min(b, sums[c] / Float(counts[c])) }
            guard b.isFinite else { continue }
            let denominator = max(a, b)
            total += denominator > 0 ? (b - a) / denominator : 0
        }
        return total / Float(points.count)
    }

    /// A deterministic sample of at most `limit` indices out of `count`.
    public static func sampleIndices(count: Int, limit: Int, seed: UInt64) -> [Int] {
        guard count > limit else { return Array(0..<count) }
        var rng = SeededGenerator(seed: seed)
        var indices = Array(0..<count)
        indices.shuffle(using: &rng)
        return Array(indices.prefix(limit)).sorted()
    }
}
