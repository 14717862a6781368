/// Bands and rows for locality-sensitive hashing of MinHash signatures. Chosen like
/// datasketch's `MinHashLSH`: the (bands, rows) with bands·rows ≤ permutations that minimise
/// the equally weighted areas of false positives below the threshold and false negatives above it.
public struct LSHParameters: Sendable, Equatable {
    public var bands: Int
    public var rows: Int

    public init(bands: Int, rows: Int) {
        self.bands = bands
        self.rows = rows
    }

    public static func optimal(threshold: Double, permutations: Int) -> LSHParameters {
        var best = LSHParameters(bands: 1, rows: permutations)
        var bestError = Double.infinity
        for bands in 1...permutations {
            for rows in 1...(permutations / bands) {
                let falsePositive = integrate(0, threshold) { 1 - pow(1 - pow($0, Double(rows)), Double(bands)) }
                let falseNegative = integrate(threshold, 1) { pow(1 - pow($0, Double(rows)), Double(bands)) }
                let error = 0.5 * falsePositive + 0.5 * falseNegative
                if error < bestError {
                    bestError = error
                    best = LSHParameters(bands: bands, rows: rows)
                }
            }
        }
        return best
    }

    private static func integrate(_ lower: Double, _ upper: Double, _ f: (Double) -> Double) -> Double {
        let steps = 200
        let width = (upper - lower) / Double(steps)
        var sum = 0.0
        for i in 0..<steps { sum += f(lower + (Double(i) + 0.5) * width) * width }
        return sum
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
