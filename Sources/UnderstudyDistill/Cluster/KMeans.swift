/// k-means on cosine distance (spherical k-means) with k-means++ seeding, and the automatic
/// choice of k by silhouette that `TaskClusterer` uses to split a signature group into tasks.
public enum KMeans {
    public struct Result: Sendable {
        /// Cluster index of each vector.
        public var assignments: [Int]
        /// Normalized centroid of each cluster.
        public var centroids: [[Float]]
        public var k: Int { centroids.count }
    }

    /// Clusters `vectors` into `k` groups. Deterministic for a given `seed`.
    public static func cluster(_ vectors: VectorSet, k requested: Int, seed: UInt64 = 1, maxIterations: Int = 50) -> Result {
        let n = vectors.count
        let k = max(1, min(requested, n))
        guard n > 0 else { return Result(assignments: [], centroids: []) }
        var rng = SeededGenerator(seed: seed)
        var centroids = seedPlusPlus(vectors, k: k, rng: &rng)
        var assignments = [Int](repeating: 0, count: n)
        for iteration in 0..<maxIterations {
            var changed = false
            for i in 0..<n {
                let best = nearest(vectors, i, centroids).index
                if best != assignments[i] || iteration == 0 {
                    changed = changed || best != assignments[i]
                    assignments[i] = best
                }
            }
            var members = [[Int]](repeating: [], count: k)
            for i in 0..<n { members[assignments[i]].append(i) }
            for c in 0..<k where !members[c].isEmpty { centroids[c] = vectors.normalizedMean(of: members[c]) }
            if !changed && iteration > 0 { break }
        }
        return Result(assignments: assignments, centroids: centroids)
    }

    /// The nearest centroid to vector `i` and its cosine distance.
    public static func nearest(_ vectors: VectorSet, _ i: Int, _ centroids: [[Float]]) -> (index: Int, distance: Float) {
        var best = 0
        var bestDot = -Float.infinity
        for (c, centroid) in centroids.enumerated() {
            let d = centroid.withUnsafeBufferPointer { vectors.dot(i, $0) }
            if d > bestDot {
                bestDot = d
                best = c
            }
        }
        return (best, max(0, 1 - bestDot))
    }

    /// k-means++: each next seed is drawn with probability proportional to its squared distance
    /// from the seeds so far, which spreads seeds across tasks.
    static func seedPlusPlus(_ vectors: VectorSet, k: Int, rng: inout SeededGenerator) -> [[Float]] {
        let n = vectors.count
        var chosen = [Int(rng.next() % UInt64(n))]
        var minDistance = (0..<n).map { Double(vectors.distance($0, chosen[0])) }
        while chosen.count < k {
            let weights = minDistance.map { $0 * $0 }
            let total = weights.reduce(0, +)
            var next = 0
            if total > 0 {
                var target = Double(rng.next() % 1_000_000_007) / 1_000_000_007 * total
                for (i, w) in weights.enumerated() {
                    target -= w
                    if target <= 0 {
                        next = i
                        break
                    }
                }
            } else {
                next = Int(rng.next() % UInt64(n))
            }
            chosen.append(next)
            for i in 0..<n { minDistance[i] = min(minDistance[i], Double(vectors.distance(i, next))) }
        }
        return chosen.map { Array(vectors[$0]) }
    }

    /// Tries k = 2…maxK and keeps the k with the best mean silhouette; returns a single cluster
    /// when no split reaches `minimumSilhouette` (the group is one task).
    public static func clusterAutomatically(
        _ vectors: VectorSet, maxK: Int = 12, minimumSilhouette: Float = 0.2, minimumClusterSize: Int = 3,
        seed: UInt64 = 1
    ) -> (result: Result, silhouette: Float) {
        let n = vectors.count
        let single = Result(assignments: [Int](repeating: 0, count: n), centroids: n > 0 ? [vectors.normalizedMean(of: Array(0..<n))] : [])
        guard n >= 2 * minimumClusterSize else { return (single, 0) }
        var best = (result: single, silhouette: minimumSilhouette)
        var found = false
        let sample = Silhouette.sampleIndices(count: n, limit: 800, seed: seed)
        for k in 2...max(2, min(maxK, n / minimumClusterSize)) {
            let result = cluster(vectors, k: k, seed: seed &+ UInt64(k))
            let score = Silhouette.mean(vectors, assignments: result.assignments, sample: sample)
            if score > best.silhouette {
                best = (result, score)
                found = true
            }
        }
        return found ? best : (single, 0)
    }
}
