/// ROUGE-L F1 (Lin, 2004): the longest common subsequence of the two token sequences, as
/// precision over the candidate and recall over the reference, combined with β = 1. Tokens are
/// what the `rouge-score` package's default tokenizer makes: lower-cased runs of letters and
/// digits, everything else a separator.
///
/// ```swift
/// RougeL.f1(reference: "the cat sat on the mat", candidate: "the cat is on the mat")  // 0.833…
/// ```
public enum RougeL {
    /// Longer texts are cut to this many tokens: the LCS table is quadratic.
    public static let maximumTokens = 2000

    public static func tokens(_ text: String) -> [Substring] {
        let lowered = text.lowercased()
        var out: [Substring] = []
        var start: String.Index?
        var index = lowered.startIndex
        while index < lowered.endIndex {
            let c = lowered[index]
            if c.isLetter || c.isNumber {
                if start == nil { start = index }
            } else if let s = start {
                out.append(lowered[s..<index])
                start = nil
            }
            index = lowered.index(after: index)
        }
        if let s = start { out.append(lowered[s...]) }
        return Array(out.prefix(maximumTokens))
    }

    public static func f1(reference: String, candidate: String) -> Double {
        let r = tokens(reference)
        let c = tokens(candidate)
        if r.isEmpty && c.isEmpty { return 1 }
        guard !r.isEmpty, !c.isEmpty else { return 0 }
        let lcs = Double(longestCommonSubsequence(r, c))
        guard lcs > 0 else { return 0 }
        let precision = lcs / Double(c.count)
        let recall = lcs / Double(r.count)
        return 2 * precision * recall / (precision + recall)
    }

    static func longestCommonSubsequence(_ a: [Substring], _ b: [Substring]) -> Int {
        var previous = [Int](repeating: 0, count: b.count + 1)
        var current = previous
        for i in 1...a.count {
            for j in 1...b.count {
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : max(previous[j], current[j - 1])
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
