/// HDBSCAN (Campello et al., 2013) on cosine distance: density-based clusters of varying shape
/// and density, with points in sparse regions left as noise. Noise matters here: a call that
/// belongs to no recurring task must stay on the big model.
///
/// Steps: core distances → minimum spanning tree over mutual-reachability distance (Prim, O(n²)
/// with a full distance matrix, fine for the few thousand representatives of a group) →
/// single-linkage dendrogram → condensed tree with `minimumClusterSize` → clusters chosen by
/// excess of mass (the most stable ones).
public enum HDBSCAN {
    /// Label per point: a cluster number from 0, or -1 for noise.
    public static func cluster(_ vectors: VectorSet, minimumClusterSize: Int, minimumSamples: Int? = nil) -> [Int] {
        let n = vectors.count
        let m = max(2, minimumClusterSize)
        guard n >= m else { return [Int](repeating: -1, count: n) }
        let k = max(1, min(minimumSamples ?? m, n - 1))

        var distances = [Float](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in (i + 1)..<n {
                let d = vectors.distance(i, j)
                distances[i * n + j] = d
                distances[j * n + i] = d
            }
        }
        // Core distance: distance to the k-th nearest neighbour, the point itself counting as first.
        var core = [Float](repeating: 0, count: n)
        for i in 0..<n {
            var row = Array(distances[(i * n)..<(i * n + n)])
            row.sort()
            core[i] = row[min(k - 1, n - 1)]
        }
        let edges = minimumSpanningTree(n: n, distances: distances, core: core)
        let tree = Dendrogram(n: n, edges: edges)
        return tree.excessOfMassLabels(minimumClusterSize: m)
    }

    /// Prim's algorithm over mutual-reachability distances; edges sorted by weight.
    static func minimumSpanningTree(n: Int, distances: [Float], core: [Float]) -> [(Int, Int, Float)] {
        var inTree = [Bool](repeating: false, count: n)
        var best = [Float](repeating: .infinity, count: n)
        var from = [Int](repeating: 0, count: n)
        var edges: [(Int, Int, Float)] = []
        var current = 0
        inTree[0] = true
        for _ in 1..<n {
            var nextIndex = -1
            var nextWeight = Float.infinity
            for j in 0..<n where !inTree[j] {
                let mr = max(distances[current * n + j], core[current], core[j])
                if mr < best[j] {
                    best[j] = mr
                    from[j] = current
                }
                if best[j] < nextWeight {
                    nextWeight = best[j]
                    nextIndex = j
                }
            }
            inTree[nextIndex] = true
            edges.append((from[nextIndex], nextIndex, nextWeight))
            current = nextIndex
        }
        edges.sort { $0.2 < $1.2 }
        return edges
    }
}

/// The single-linkage hierarchy: node ids 0..<n are points, n… are merges.
struct Dendrogram {
    let n: Int
    var left: [Int] = []
    var right: [Int] = []
    var lambda: [Float] = []  // 1 / merge distance
    var size: [Int]

    init(n: Int, edges: [(Int, Int, Float)]) {
        self.n = n
        size = [Int](repeating: 1, count: n)
        var parent = Array(0..<(2 * n))
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        for (a, b, d) in edges {
            let ra = find(a)
            let rb = find(b)
            let node = n + left.count
            left.append(ra)
            right.append(rb)
            lambda.append(1 / max(d, 1e-6))
            size.append(size[ra] + size[rb])
            parent[ra] = node
            parent[rb] = node
        }
    }

    /// Condenses the tree and picks clusters by excess of mass; the root is never a cluster
    /// unless it is the only candidate with real structure.
    func excessOfMassLabels(minimumClusterSize m: Int) -> [Int] {
        guard !left.isEmpty else { return [Int](repeating: -1, count: n) }
        var clusterParent = [-1]
        var birth: [Float] = [0]
        var stability: [Float] = [0]
        var children: [[Int]] = [[]]
        var pointCluster = [Int](repeating: 0, count: n)
        // (node, cluster it belongs to, lambda at which it fell out or -1 if still inside)
        var stack: [(Int, Int, Float)] = [(n + left.count - 1, 0, -1)]
        while let (node, cluster, fallen) = stack.popLast() {
            if node < n {
                pointCluster[node] = cluster
                continue
            }
            if fallen >= 0 {
                stack.append((left[node - n], cluster, fallen))
                stack.append((right[node - n], cluster, fallen))
                continue
            }
            let l = left[node - n]
            let r = right[node - n]
            let at = lambda[node - n]
            let bigLeft = size[l] >= m
            let bigRight = size[r] >= m
            if bigLeft && bigRight {
                stability[cluster] += Float(size[node]) * (at - birth[cluster])
                for child in [l, r] {
                    let id = clusterParent.count
                    clusterParent.append(cluster)
                    birth.append(at)
                    stability.append(0)
                    children.append([])
                    children[cluster].append(id)
                    stack.append((child, id, -1))
                }
            } else {
                for (child, big) in [(l, bigLeft), (r, bigRight)] {
                    if big {
                        stack.append((child, cluster, -1))
                    } else {
                        stability[cluster] += Float(size[child]) * (at - birth[cluster])
                        stack.append((child, cluster, at))
                    }
                }
            }
        }
        // Excess of mass, bottom-up (children always have larger ids than their parent).
        var selected = [Bool](repeating: false, count: clusterParent.count)
        var subtreeStability = stability
        for c in stride(from: clusterParent.count - 1, through: 1, by: -1) {
            let childSum = children[c].reduce(Float(0)) { $0 + subtreeStability[$1] }
            if children[c].isEmpty || stability[c] >= childSum {
                selected[c] = true
                subtreeStability[c] = stability[c]
                var descendants = children[c]
                while let d = descendants.popLast() {
                    selected[d] = false
                    descendants += children[d]
                }
            } else {
                subtreeStability[c] = childSum
            }
        }
        var labelOf = [Int: Int]()
        for c in 1..<clusterParent.count where selected[c] { labelOf[c] = labelOf.count }
        return pointCluster.map { start in
            var c = start
            while c > 0 {
                if let label = labelOf[c] { return label }
                c = clusterParent[c]
            }
            return -1
        }
    }
}
