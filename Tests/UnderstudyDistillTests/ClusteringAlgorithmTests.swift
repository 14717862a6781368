import Testing
import UnderstudyDistill

/// Synthetic tasks: tight groups of unit vectors around well separated directions, plus
/// scattered points that belong to no task.
private func blobs(centers: Int, perCenter: Int, noise: Int, dimension: Int = 32, spread: Float = 0.08, seed: UInt64 = 7)
    -> (VectorSet, [Int])
{
    var rng = SeededGenerator(seed: seed)
    func gaussian() -> Float {
        let u = Float(Double(rng.next() % 1_000_000 + 1) / 1_000_001)
        let v = Float(Double(rng.next() % 1_000_000) / 1_000_000)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
    var set = VectorSet(dimension: dimension)
    var truth: [Int] = []
    for c in 0..<centers {
        var center = [Float](repeating: 0, count: dimension)
        center[c % dimension] = 1
        center[(c + 3) % dimension] = 0.5
        for _ in 0..<perCenter {
            set.append(VectorSet.normalized(center.map { $0 + spread * gaussian() }))
            truth.append(c)
        }
    }
    for _ in 0..<noise {
        set.append(VectorSet.normalized((0..<dimension).map { _ in gaussian() }))
        truth.append(-1)
    }
    return (set, truth)
}

/// Share of pairs of same-truth points that got the same label (noise excluded).
private func pairAgreement(_ labels: [Int], _ truth: [Int]) -> Double {
    var agree = 0
    var total = 0
    for i in 0..<labels.count where truth[i] >= 0 {
        for j in (i + 1)..<labels.count where truth[j] >= 0 {
            total += 1
            if (truth[i] == truth[j]) == (labels[i] == labels[j] && labels[i] >= 0) { agree += 1 }
        }
    }
    return Double(agree) / Double(max(total, 1))
}

struct KMeansTests {
    @Test func findsTheNumberOfTasksBySilhouette() {
        let (set, truth) = blobs(centers: 4, perCenter: 30, noise: 0)
        let (result, silhouette) = KMeans.clusterAutomatically(set, maxK: 8)
        #expect(result.k == 4)
        #expect(silhouette > 0.5)
        #expect(pairAgreement(result.assignments, truth) > 0.99)
    }

    @Test func keepsOneTaskWhenThereIsNoStructure() {
        let (set, _) = blobs(centers: 1, perCenter: 60, noise: 0)
        let (result, _) = KMeans.clusterAutomatically(set, maxK: 8)
        #expect(result.k == 1)
    }

    @Test func isDeterministicForASeed() {
        let (set, _) = blobs(centers: 3, perCenter: 20, noise: 5)
        #expect(KMeans.cluster(set, k: 3, seed: 9).assignments == KMeans.cluster(set, k: 3, seed: 9).assignments)
    }
}

struct HDBSCANTests {
    @Test func separatesTasksAndLeavesScatteredCallsAsNoise() {
        let (set, truth) = blobs(centers: 3, perCenter: 40, noise: 12)
        let labels = HDBSCAN.cluster(set, minimumClusterSize: 8)
        #expect(Set(labels.filter { $0 >= 0 }).count == 3)
        #expect(pairAgreement(labels, truth) > 0.98)
        let noiseLabelled = zip(labels, truth).filter { $0.1 == -1 && $0.0 == -1 }.count
        #expect(noiseLabelled >= 8, "most scattered points (12 planted) stay unassigned")
    }

    @Test func tooFewPointsAreAllNoise() {
        let (set, _) = blobs(centers: 1, perCenter: 3, noise: 0)
        #expect(HDBSCAN.cluster(set, minimumClusterSize: 5) == [-1, -1, -1])
    }
}

struct ClassTFIDFTests {
    @Test func labelsEachClusterWithItsDistinctiveTerms() {
        let docs = [
            ["book a flight to Paris", "flight booking for Berlin tomorrow", "cancel my flight reservation"],
            ["what is the weather in Paris", "weather forecast for Berlin", "will it rain, weather please"],
        ]
        let top = ClassTFIDF.topTerms(docs, count: 2)
        #expect(top[0].contains("flight"))
        #expect(top[1].contains("weather"))
        #expect(!top[0].contains("paris") || !top[1].contains("paris"))
    }
}

#if canImport(Glibc)
import Glibc
#endif
