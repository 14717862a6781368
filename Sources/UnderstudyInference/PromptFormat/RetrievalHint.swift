import Foundation

/// Prompt feature `retrieval_hint` (distill/trainer/retrieval.py, PROMPT_FORMAT.md "Prompt
/// features"): before `<|answer|>` the prompt carries the call heads of the k nearest training
/// answers, found by the all-MiniLM-L6-v2 embedding of the request's last user message in the
/// index the trainer saved with the specialist (`retrieval.json` + `retrieval.safetensors`).
///
/// ```swift
/// let hint = try RetrievalHint(directory: specialistURL, embedder: MiniLMEmbedder(modelDirectory: modelURL))
/// let prompt = try hint.hinted(PromptRenderer.renderPrompt(messages), messages: messages)
/// // …<|user|>Cancel it<|hint|>{"name":"cancel_booking","arguments":<|answer|>
/// ```
public final class RetrievalHint: @unchecked Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "retrieval_hint"
    /// Opens each neighbour's hint.
    public static let token = "<|hint|>"
    /// Each training entry's hint text (its answer's call heads), in index order.
    public let hints: [String]
    /// Neighbours per prompt (distinct hints).
    public let k: Int
    let embeddings: [Float]
    let dimension: Int
    let embedder: any SentenceEmbedder

    /// Loads the index from a specialist directory.
    public init(directory: URL, embedder: any SentenceEmbedder) throws {
        let indexURL = directory.appendingPathComponent("retrieval.json")
        guard let data = FileManager.default.contents(atPath: indexURL.path) else {
            throw InferenceError.fileUnreadable(indexURL.path, "no such file (prompt feature retrieval_hint needs it)")
        }
        let index = try OrderedJSON.parse(String(decoding: data, as: UTF8.self))
        guard case .array(let listed)? = index["hints"] else {
            throw InferenceError.invalidConfig(indexURL.path, field: "hints", "is missing or not a list")
        }
        hints = try listed.map { item in
            guard case .string(let text) = item else {
                throw InferenceError.invalidConfig(indexURL.path, field: "hints", "holds a value that is not a string")
            }
            return text
        }
        guard case .number(let kText)? = index["k"], let k = Int(kText), k > 0 else {
            throw InferenceError.invalidConfig(indexURL.path, field: "k", "is missing or not a positive integer")
        }
        self.k = k
        let file = try SafetensorsFile(url: directory.appendingPathComponent("retrieval.safetensors"))
        dimension = embedder.dimension
        embeddings = try file.tensor("embeddings", shape: hints.isEmpty ? nil : [hints.count, dimension])
        self.embedder = embedder
    }

    /// What is embedded: the content of the last user message ("" when there is none).
    public static func queryText(_ messages: [PromptRenderer.Message]) -> String {
        messages.last { $0.role == "user" }?.content ?? ""
    }

    /// Indices of the `k` nearest entries with distinct hints, nearest first (dot product in
    /// double precision, ties to the lower index).
    public func neighbours(of query: [Float]) -> [Int] {
        let scores = (0..<hints.count).map { row -> Double in
            var sum = 0.0
            for i in 0..<dimension { sum += Double(embeddings[row * dimension + i]) * Double(query[i]) }
            return sum
        }
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        var chosen: [Int] = []
        var seen = Set<String>()
        for row in order where seen.insert(hints[row]).inserted {
            chosen.append(row)
            if chosen.count == k { break }
        }
        return chosen
    }

    /// The hint texts (call heads) of a request's neighbours, nearest first.
    public func neighbourHints(for messages: [PromptRenderer.Message]) throws -> [String] {
        neighbourHints(of: try queryEmbedding(for: messages))
    }

    /// The hint texts of a query embedding's neighbours, nearest first.
    public func neighbourHints(of query: [Float]) -> [String] {
        neighbours(of: query).map { hints[$0] }
    }

    /// The embedding of a request's last user message (what the index is searched by; prompt
    /// feature `tool_choice` reads it too).
    public func queryEmbedding(for messages: [PromptRenderer.Message]) throws -> [Float] {
        try embedder.embed([Self.queryText(messages)])[0]
    }

    /// The prompt with the request's hint written before its final `<|answer|>`.
    public func hinted(_ prompt: PromptRenderer.Prompt, messages: [PromptRenderer.Message]) throws
        -> PromptRenderer.Prompt
    {
        hinted(prompt, neighbourHints: try neighbourHints(for: messages))
    }

    /// The prompt with these neighbours' hints (`neighbourHints(for:)`) before its final `<|answer|>`.
    public func hinted(_ prompt: PromptRenderer.Prompt, neighbourHints: [String]) -> PromptRenderer.Prompt {
        var hinted = prompt
        hinted.text =
            String(prompt.text.dropLast("<|answer|>".count)) + neighbourHints.map { Self.token + $0 }.joined()
            + "<|answer|>"
        return hinted
    }
}
