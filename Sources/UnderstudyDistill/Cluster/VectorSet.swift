/// A set of equal-length float vectors stored in one flat array, the shape every clustering
/// step works on. Embeddings arrive L2-normalized, so cosine distance is `1 - dot`.
public struct VectorSet: Sendable {
    public let dimension: Int
    public private(set) var storage: [Float]

    public init(dimension: Int, storage: [Float] = []) {
        precondition(dimension > 0 && storage.count % dimension == 0, "storage must hold whole vectors")
        self.dimension = dimension
        self.storage = storage
    }

    public init(_ vectors: [[Float]]) {
        let dimension = vectors.first?.count ?? 1
        self.init(dimension: max(dimension, 1), storage: vectors.flatMap { $0 })
    }

    public var count: Int { storage.count / dimension }

    public subscript(i: Int) -> ArraySlice<Float> { storage[i * dimension..<(i + 1) * dimension] }

    public mutating func append(_ vector: some Collection<Float>) {
        precondition(vector.count == dimension, "vector has \(vector.count) values, expected \(dimension)")
        storage.append(contentsOf: vector)
    }

    /// The subset at `indices`, in that order.
    public func subset(_ indices: [Int]) -> VectorSet {
        var out = VectorSet(dimension: dimension)
        out.storage.reserveCapacity(indices.count * dimension)
        for i in indices { out.storage.append(contentsOf: self[i]) }
        return out
    }

    /// Dot product of vector `i` with `other` (any vector of the same dimension).
    @inline(__always)
    public func dot(_ i: Int, _ other: UnsafeBufferPointer<Float>) -> Float {
        storage.withUnsafeBufferPointer { s in
            var sum: Float = 0
            let base = i * dimension
            for d in 0..<dimension { sum += s[base + d] * other[d] }
            return sum
        }
    }

    /// Cosine distance `1 - a·b` between two stored (normalized) vectors.
    @inline(__always)
    public func distance(_ a: Int, _ b: Int) -> Float {
        storage.withUnsafeBufferPointer { s in
            var sum: Float = 0
            let x = a * dimension
            let y = b * dimension
            for d in 0..<dimension { sum += s[x + d] * s[y + d] }
            return max(0, 1 - sum)
        }
    }

    /// Mean of the vectors at `indices`, L2-normalized (the cluster's centroid direction).
    public func normalizedMean(of indices: [Int]) -> [Float] {
        var mean = [Float](repeating: 0, count: dimension)
        for i in indices {
            let base = i * dimension
            for d in 0..<dimension { mean[d] += storage[base + d] }
        }
        return VectorSet.normalized(mean)
    }

    public static func normalized(_ v: [Float]) -> [Float] {
        var norm: Float = 0
        for x in v { norm += x * x }
        norm = norm.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }
}

/// A small, fast, seedable generator (SplitMix64): clustering, MinHash permutations and
/// surrogates all draw from it, so runs are reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    /// Starts from a raw state (an HMAC-derived seed used as is).
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
