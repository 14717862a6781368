/// Prompt feature `clause_tools` (distill/trainer/clause_tools.py, PROMPT_FORMAT.md "Prompt
/// features"): for requests that bring several tools, an answer's calls keep to the tools the
/// question's clauses pick by all-MiniLM-L6-v2 (each clause's nearest tool by "name: description").
/// A scratch specialist cannot read tool descriptions and picks the wrong tool for most of its
/// misses on such requests; the sentence embedder picks the called tools for ~95% of them.
/// Nothing is added to the prompt: only the constraint changes.
///
/// ```swift
/// let picker = ClauseTools(embedder: try MiniLMEmbedder(modelDirectory: EmbeddingModelLocator.locate()))
/// try picker.pickedTools(
///     question: "What is the weather in Paris? Also convert 5 USD to EUR.",
///     tools: [("get_weather", "Current weather of a city"), ("convert_currency", "Convert money"),
///             ("get_time", "Local time")])
/// // ["get_weather", "convert_currency"]
/// ```
public struct ClauseTools: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "clause_tools"
    /// The companion feature `unmatched_text` (specialist.json `unmatched_text`: `{"threshold": T, …}`).
    public static let unmatchedTextFeature = "unmatched_text"
    /// Words that open a new clause (ASCII-lowercased, trailing commas removed).
    public static let clauseWords: Set<String> = ["then", "also", "lastly", "finally", "additionally"]
    /// Clauses shorter than this many words are dropped.
    public static let minimumClauseWords = 3
    let embedder: any SentenceEmbedder

    public init(embedder: any SentenceEmbedder) { self.embedder = embedder }

    /// The question's clauses (words: runs of characters other than ASCII whitespace; a clause
    /// starts after a word ending in `. ? ! ;` or at a clause word); empty when it has no words.
    public static func clauses(_ question: String) -> [String] {
        let whitespace: Set<Unicode.Scalar> = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}"]
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in question.unicodeScalars {
            if whitespace.contains(scalar) {
                if !current.isEmpty { words.append(String(current)) }
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        guard !words.isEmpty else { return [] }
        var parts: [[String]] = [[]]
        for word in words {
            if let previous = parts[parts.count - 1].last,
                let last = previous.unicodeScalars.last, ".?!;".unicodeScalars.contains(last) || opensClause(word)
            {
                parts.append([])
            }
            parts[parts.count - 1].append(word)
        }
        let kept = parts.filter { $0.count >= minimumClauseWords }.map { $0.joined(separator: " ") }
        return kept.isEmpty ? [words.joined(separator: " ")] : kept
    }

    static func opensClause(_ word: String) -> Bool {
        var scalars = Array(word.unicodeScalars)
        while scalars.last == "," { scalars.removeLast() }
        let lowered = scalars.map { ("A"..."Z").contains($0) ? Unicode.Scalar($0.value + 32)! : $0 }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: lowered)
        return clauseWords.contains(String(text))
    }

    /// What is embedded for a tool: its name with `_` and `.` as spaces, `: `, its description.
    public static func toolText(name: String, description: String?) -> String {
        String(name.map { $0 == "_" || $0 == "." ? " " : $0 }) + ": " + (description ?? "")
    }

    /// The highest dot product (double precision) between the question's embedding (its text as
    /// written) and a tool text's; nil when no tool is listed or the question is empty.
    public func bestScore(question: String, tools: [(name: String, description: String?)]) throws -> Double? {
        try choose(question: question, tools: tools, pick: false, score: true).bestScore
    }

    /// What both features decide for one request: `pickedTools` (when `pick`) and `bestScore`
    /// (when `score`), from one call of the embedder for the tool texts, the clauses and the
    /// question together, so the texts not cached go through the encoder in one forward pass.
    public func choose(
        question: String, tools: [(name: String, description: String?)], pick: Bool = true, score: Bool = true
    ) throws -> Choice {
        let parts = pick && tools.count >= 2 ? Self.clauses(question) : []
        let scoring = score && !tools.isEmpty && !question.isEmpty
        guard !parts.isEmpty || scoring else { return Choice(picked: [], bestScore: nil) }
        let texts = tools.map { Self.toolText(name: $0.name, description: $0.description) }
        let rows = try embedder.embed(texts + parts + (scoring ? [question] : []))
        let toolRows = rows.prefix(tools.count)
        var chosen = Set<Int>()
        for row in rows.dropFirst(tools.count).prefix(parts.count) {
            var best = 0
            var bestScore = -Double.infinity
            for (index, tool) in toolRows.enumerated() {
                let score = Self.score(tool, row)
                if score > bestScore { (best, bestScore) = (index, score) }
            }
            chosen.insert(best)
        }
        return Choice(
            picked: chosen.sorted().map { tools[$0].name },
            bestScore: scoring ? toolRows.map { Self.score($0, rows[rows.count - 1]) }.max() : nil)
    }

    /// The decisions of `choose` for one request.
    public struct Choice: Sendable, Equatable {
        /// The tools the clauses pick (empty: nothing restricted).
        public var picked: [String]
        /// The question's best dot product with a tool text (nil: not scored).
        public var bestScore: Double?
    }

    /// The dot product of two embeddings in double precision (both engines rank tools by it).
    static func score(_ a: [Float], _ b: [Float]) -> Double {
        var score = 0.0
        for i in 0..<min(a.count, b.count) { score += Double(a[i]) * Double(b[i]) }
        return score
    }

    /// The names (in `tools` order) of the tools the question's clauses pick (each clause its
    /// nearest tool: dot product in double precision, ties to the earlier tool); empty, so nothing
    /// is restricted, when fewer than 2 tools are listed or the question has no words.
    public func pickedTools(question: String, tools: [(name: String, description: String?)]) throws -> [String] {
        try choose(question: question, tools: tools, pick: true, score: false).picked
    }

    /// `unmatched_text.threshold` of specialist.json, a number.
    static func threshold(_ value: OrderedJSON?, path: String) throws -> Double {
        guard case .number(let text)? = value?["threshold"], let threshold = Double(text) else {
            throw InferenceError.invalidConfig(
                path, field: "unmatched_text", "lacks a number \"threshold\" (prompt feature unmatched_text needs it)")
        }
        return threshold
    }
}
