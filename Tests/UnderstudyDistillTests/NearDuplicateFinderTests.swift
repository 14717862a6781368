import Testing
import UnderstudyDistill

struct NearDuplicateFinderTests {
    static func sentence(_ seed: Int, words: Int = 60) -> String {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<words).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return "w\(state % 5000)"
        }.joined(separator: " ")
    }

    @Test func plantedNearDuplicatesAreFoundAndOthersAreNot() {
        var texts: [String] = []
        var planted: Set<[Int]> = []
        for i in 0..<200 {
            let base = Self.sentence(i)
            texts.append(base)
            if i % 10 == 0 {
                // One changed word at the end: Jaccard of 3-shingles stays above 0.9.
                texts.append(base + " extra")
                planted.insert([texts.count - 2, texts.count - 1])
            }
        }
        let finder = NearDuplicateFinder(configuration: DedupConfiguration(threshold: 0.9))
        let pairs = Set(finder.pairs(texts: texts).map { [$0.0, $0.1] })
        #expect(pairs == planted)
    }

    @Test func thresholdIsConfigurableAndConfirmedExactly() {
        let base = Self.sentence(7, words: 40)
        var words = base.split(separator: " ").map(String.init)
        words[20] = "changed"
        let edited = words.joined(separator: " ")
        let jaccard = Shingler.jaccard(Shingler(size: 3).shingles(base), Shingler(size: 3).shingles(edited))
        #expect(jaccard < 0.9 && jaccard > 0.7)
        #expect(
            NearDuplicateFinder(configuration: DedupConfiguration(threshold: 0.9)).pairs(texts: [base, edited]).isEmpty)
        #expect(
            NearDuplicateFinder(configuration: DedupConfiguration(threshold: 0.7)).pairs(texts: [base, edited]).count
                == 1)
    }

    @Test func namespacesKeepTasksApart() {
        let text = Self.sentence(3)
        let finder = NearDuplicateFinder()
        #expect(finder.pairs(texts: [text, text], namespaces: ["a", "b"]).isEmpty)
        #expect(finder.pairs(texts: [text, text], namespaces: ["a", "a"]).count == 1)
    }

    @Test func groupsAreConnectedComponents() {
        let groups = NearDuplicateFinder.groups(count: 5, pairs: [(0, 2), (2, 4)])
        #expect(groups == [[0, 2, 4], [1], [3]])
    }
}
