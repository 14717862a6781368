/// Cluster labels from class-based TF-IDF (as BERTopic does): a term ranks high for a cluster when
/// it is frequent in that cluster's text and rare across clusters.
public enum ClassTFIDF {
    static let stopwords: Set<String> = [
        "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with", "is", "are", "be", "it", "this",
        "that", "my", "me", "i", "you", "your", "we", "our", "can", "please", "from", "at", "by", "as", "what",
        "which", "all", "do", "does", "have", "has", "will", "would", "could", "should", "into", "then", "also",
        "there", "their", "them", "they", "its", "was", "were", "if", "so", "not", "no", "yes", "but", "about",
        "how", "get", "let", "need", "want", "like", "just", "make", "sure", "null", "true", "false", "content",
        "role", "user", "assistant", "tool", "name", "arguments",
    ]

    /// Lower-cased word tokens of at least three letters, without stopwords and pure numbers.
    public static func terms(_ text: String) -> [String] {
        var out: [String] = []
        var word = ""
        func flush() {
            if word.count >= 3, !stopwords.contains(word), word.contains(where: \.isLetter) { out.append(word) }
            word = ""
        }
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber || ch == "_" { word.append(ch) } else { flush() }
        }
        flush()
        return out
    }

    /// Top `count` terms of each class; `documents[c]` holds the texts of class `c`.
    public static func topTerms(_ documents: [[String]], count: Int = 5) -> [[String]] {
        let termCounts: [[String: Double]] = documents.map { texts in
            var counts: [String: Double] = [:]
            for text in texts { for t in terms(text) { counts[t, default: 0] += 1 } }
            return counts
        }
        var total: [String: Double] = [:]
        for counts in termCounts { for (t, c) in counts { total[t, default: 0] += c } }
        let averageWords = termCounts.map { $0.values.reduce(0, +) }.reduce(0, +) / Double(max(1, termCounts.count))
        return termCounts.map { counts in
            let size = max(1, counts.values.reduce(0, +))
            let scored = counts.map { term, c -> (String, Double) in
                let tf = c / size
                let idf = log(1 + averageWords / max(1, total[term] ?? 1))
                return (term, tf * idf)
            }
            return scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(count).map(\.0)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
