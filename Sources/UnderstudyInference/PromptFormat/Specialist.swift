import Foundation

/// A trained specialist directory (distill/trainer output: `config.json`, `model.safetensors`,
/// `tokenizer.json`, `specialist.json`) ready to answer: renders the varying part with prompt
/// format v1, generates under the JSON constraint of the cluster's tools, restores slot values
/// and reports the confidence.
///
/// ```swift
/// let specialist = try Specialist(directory: URL(fileURLWithPath: "distill/runs/r1/specialists/c003"))
/// let answer = try specialist.answer([.init(role: "user", content: "Book Luigi's for 4 at 19:30")])
/// answer.response?.toolCalls.first?.name     // "book_table"
/// answer.minLogProbability                    // confidence for the routing threshold
/// ```
public final class Specialist: @unchecked Sendable {
    /// The generated answer.
    public struct Answer: Sendable {
        /// The canonical response, or nil when the text could not be read back (see `failure`).
        public var response: AnswerRestorer.Response?
        /// Why `response` is nil.
        public var failure: String?
        /// The generated text (slot tokens still in it).
        public var text: String
        public var minLogProbability: Float
        public var meanLogProbability: Float
        public var tokens: Int
        public var finishReason: GenerationResult.FinishReason
    }

    public let directory: URL
    public let model: LlamaModel
    public let tokenizer: BPETokenizer
    /// `max_prompt_tokens`: longer prompts keep `<|bos|>` and their last ids.
    public let maxPromptTokens: Int
    /// `max_new_tokens` of specialist.json (256 when absent).
    public let maxNewTokens: Int
    /// The cluster's tools (name → parameters schema).
    public let tools: [String: OrderedJSON]
    let graph = JSONSchemaGraph()
    let root: Int
    let index: VocabularyIndex
    let end: Int32

    /// Loads a specialist; `tools` overrides the tools listed in specialist.json.
    public init(directory: URL, tools: [(name: String, parameters: OrderedJSON?)]? = nil) throws {
        self.directory = directory
        let specURL = directory.appendingPathComponent("specialist.json")
        guard let data = FileManager.default.contents(atPath: specURL.path) else {
            throw InferenceError.fileUnreadable(specURL.path, "no such file")
        }
        let spec = try OrderedJSON.parse(String(decoding: data, as: UTF8.self))
        guard case .number(let format)? = spec["prompt_format"], Int(format) == PromptRenderer.version else {
            throw InferenceError.invalidConfig(
                specURL.path, field: "prompt_format", "is not \(PromptRenderer.version), the version this build renders"
            )
        }
        func int(_ key: String, _ fallback: Int) -> Int {
            if case .number(let t)? = spec[key], let v = Int(t) { return v }
            return fallback
        }
        maxPromptTokens = int("max_prompt_tokens", 1024)
        maxNewTokens = int("max_new_tokens", 256)
        var toolList = tools ?? []
        if tools == nil, case .array(let listed)? = spec["tools"] {
            for tool in listed {
                if case .string(let name)? = tool["name"] { toolList.append((name, tool["parameters"])) }
            }
        }
        self.tools = Dictionary(
            toolList.map { ($0.name, $0.parameters ?? .object([])) }, uniquingKeysWith: { a, _ in a })
        model = try LlamaModel(directory: directory)
        tokenizer = try BPETokenizer(url: directory.appendingPathComponent("tokenizer.json"))
        guard let end = tokenizer.id(of: "<|end|>") else {
            throw InferenceError.tokenizer(
                directory.appendingPathComponent("tokenizer.json").path, "has no <|end|> token")
        }
        self.end = end
        root = graph.canonicalResponse(
            tools: toolList.map { tool in
                (
                    tool.name,
                    (tool.parameters.flatMap { try? JSONSerialization.jsonObject(with: Data($0.jsonText.utf8)) })
                        as Any?
                )
            })
        index = VocabularyIndex(tokenizer: tokenizer)
    }

    /// Answers the varying part of a request (greedy unless `temperature` > 0).
    public func answer(_ messages: [PromptRenderer.Message], temperature: Float = 0, seed: UInt64 = 0) throws -> Answer
    {
        let prompt = try PromptRenderer.renderPrompt(messages)
        var ids = tokenizer.encode(prompt.text)
        if ids.count > maxPromptTokens { ids = [ids[0]] + ids.suffix(maxPromptTokens - 1) }
        let constraint = JSONConstraint(
            index: index,
            automaton: JSONAutomaton(graph: graph, root: root, slots: prompt.slots.slots.count, sortedKeys: true),
            endTokens: [end])
        let result = try model.generate(
            prompt: ids,
            configuration: .init(maxNewTokens: maxNewTokens, temperature: temperature, seed: seed, stopTokens: [end]),
            constraint: constraint)
        let text = tokenizer.decode(result.tokens)
        var answer = Answer(
            response: nil, failure: nil, text: text, minLogProbability: result.minLogProbability,
            meanLogProbability: result.meanLogProbability, tokens: result.tokens.count,
            finishReason: result.finishReason)
        do {
            answer.response = try AnswerRestorer.restore(text, slots: prompt.slots, tools: tools)
        } catch {
            answer.failure =
                result.finishReason == .length ? "the answer was cut at max_new_tokens (\(maxNewTokens))" : "\(error)"
        }
        return answer
    }
}
