import Foundation

/// A trained specialist directory (distill/trainer output: `config.json`, `model.safetensors`,
/// `tokenizer.json`, `specialist.json`) ready to answer: renders the varying part with its prompt
/// format (v1, or v2 whose prompts list the request's own tools when `request_tools` is set),
/// generates under the JSON constraint of the cluster's (or the request's) tools, restores slot
/// values and reports the confidence.
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
        /// The prompt ids the answer was decoded from (`servingPrompt`, `promptIDs`); empty for an
        /// answer merged from clauses (prompt feature `clause_calls` decodes one prompt per clause).
        public var promptIDs: [Int32] = []
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
    /// The cluster's tools in specialist.json order.
    public let toolList: [PromptRenderer.Tool]
    /// `request_tools` (prompt format v2): the cluster's requests bring their own tools, so each
    /// prompt lists them and the answer is constrained to them.
    public let requestTools: Bool
    /// `prompt_format` of specialist.json.
    public let promptFormat: Int
    /// `optional_arguments` of specialist.json: whether calls may carry the tools' optional
    /// arguments (`model`, the default) or only the required ones (`omit`).
    public let optionalArguments: OptionalArguments
    /// `prompt_features` of specialist.json (none when absent); this build knows `retrieval_hint`,
    /// `recent_slots`, `question_spans` (v4), `hint_tools`, `remembered_keys`, `clause_tools`,
    /// `distinct_calls`, `tag_slots`, `clause_hint_tools`, `distinct_slots`, `unmatched_text`,
    /// `clause_calls`, `call_limit`, `tool_choice`, `tag_lists`, `cue_values`, `single_calls`,
    /// `named_values`, `quoted_pairs`, `complete_calls`, `named_calls`, `named_optional`, `copied_items`,
    /// `previous_files`, `sibling_calls`, `shaped_values`, `ordinal_items` and
    /// `unit_numbers`.
    public let promptFeatures: [String]
    /// Prompt feature `clause_tools`: picks the tools a request's question asks for (request tools only).
    public let clauseTools: ClauseTools?
    /// Prompt feature `unmatched_text` (with the request's tools): a question whose best tool
    /// similarity is below this threshold is answered with text; nil when not listed.
    public let unmatchedTextThreshold: Double?
    /// Prompt feature `remembered_keys`: the argument keys filled from the conversation's memory.
    public let rememberedKeys: RememberedKeys?
    /// Prompt feature `single_calls`: tools whose second and later calls an answer drops.
    public let singleCalls: SingleCalls?
    /// Prompt feature `cue_values`: arguments set to the value the question names after a cue word.
    public let cueValues: CueValues?
    /// Prompt feature `shaped_values`: argument keys set to the question's only word of a shape
    /// (an all-capitals word, a dollar amount).
    public let shapedValues: ShapedValues?
    /// Prompt feature `ordinal_items`: argument keys set to the first or last item of the latest
    /// listed tool result when the question says "first" or "last".
    public let ordinalItems: OrdinalItems?
    /// Prompt feature `unit_numbers`: number argument keys set to the number the question writes
    /// right before the key's name, as a unit ("13.2 gallons").
    public let unitNumbers: UnitNumbers?
    /// Prompt feature `named_values`: arguments set to the quoted span or number the question names for them.
    public let namedValues: NamedValues?
    /// Prompt feature `longest_spans`: string arguments set to the longest quoted span of the user turns.
    public let longestSpans: LongestSpans?
    /// Prompt feature `tag_lists`: list arguments set to the question's `#hashtags` / `@handles`.
    public let tagLists: TagLists?
    /// Prompt feature `quoted_pairs`: two-argument tools that take the question's two quoted spans in order.
    public let quotedPairs: QuotedPairs?
    /// Prompt feature `named_calls`: tools whose call is added first when the question names their required arguments.
    public let namedCalls: NamedCalls?
    /// Prompt feature `named_optional`: optional arguments dropped where the question does not name them.
    public let namedOptional: NamedOptional?
    /// Prompt feature `copied_items`: list arguments that keep only the items the request's texts hold.
    public let copiedItems: CopiedItems?
    /// Prompt feature `previous_files`: file arguments set to the conversation's previous file when
    /// the question names none.
    public let previousFiles: PreviousFiles?
    /// Prompt feature `sibling_calls` (request tools): a one-tool answer repeated per sibling value set.
    public let siblingCalls: SiblingCalls?
    /// Prompt feature `chosen_calls` (with `tool_choice`): argument-less chosen tools the answer left out, called.
    public let chosenCalls: ChosenCalls?
    /// The index of prompt feature `retrieval_hint`, when the specialist uses it.
    public let retrieval: RetrievalHint?
    /// Prompt feature `tool_choice` (with `hint_tools`): the classifier that chooses the tools.
    public let toolChoice: ToolChoice?
    /// The cluster's tools' descriptions, in `toolList` order (prompt feature `clause_hint_tools`
    /// embeds them with the names).
    public let toolDescriptions: [String?]
    let graph = JSONSchemaGraph()
    let root: Int
    let index: VocabularyIndex
    let end: Int32

    /// Loads a specialist; `tools` overrides the tools listed in specialist.json. `embedder`: the
    /// sentence embedder of prompt feature `retrieval_hint` (default: all-MiniLM-L6-v2 found by
    /// `EmbeddingModelLocator`); unused by specialists without the feature.
    public init(
        directory: URL, tools: [(name: String, parameters: OrderedJSON?)]? = nil,
        embedder: (any SentenceEmbedder)? = nil
    ) throws {
        self.directory = directory
        let specURL = directory.appendingPathComponent("specialist.json")
        guard let data = FileManager.default.contents(atPath: specURL.path) else {
            throw InferenceError.fileUnreadable(specURL.path, "no such file")
        }
        let spec = try OrderedJSON.parse(String(decoding: data, as: UTF8.self))
        guard case .number(let format)? = spec["prompt_format"], let version = Int(format),
            PromptRenderer.supportedVersions.contains(version)
        else {
            throw InferenceError.invalidConfig(
                specURL.path, field: "prompt_format",
                "is not one of the versions this build renders (\(PromptRenderer.supportedVersions))")
        }
        promptFormat = version
        if case .bool(true)? = spec["request_tools"] { requestTools = version >= 2 } else { requestTools = false }
        optionalArguments = try OptionalArguments(spec["optional_arguments"], path: specURL.path)
        if requestTools && version == 2 {
            throw InferenceError.invalidConfig(
                specURL.path, field: "prompt_format",
                "is 2 with request_tools: this build renders request tools as v3 (parameter-name slots); retrain the specialist")
        }
        promptFeatures = try Self.promptFeatures(spec, path: specURL.path)
        if promptFeatures.contains(QuestionSpans.feature) && version < 4 {
            throw InferenceError.invalidConfig(
                specURL.path, field: "prompt_features", "lists question_spans with prompt_format \(version); it needs 4")
        }
        // The answer fills, each read from its own entry when prompt_features lists it (ListedFeature).
        rememberedKeys = try RememberedKeys.load(from: spec, listed: promptFeatures, path: specURL.path)
        singleCalls = try SingleCalls.load(from: spec, listed: promptFeatures, path: specURL.path)
        cueValues = try CueValues.load(from: spec, listed: promptFeatures, path: specURL.path)
        shapedValues = try ShapedValues.load(from: spec, listed: promptFeatures, path: specURL.path)
        ordinalItems = try OrdinalItems.load(from: spec, listed: promptFeatures, path: specURL.path)
        unitNumbers = try UnitNumbers.load(from: spec, listed: promptFeatures, path: specURL.path)
        tagLists = try TagLists.load(from: spec, listed: promptFeatures, path: specURL.path)
        namedValues = try NamedValues.load(from: spec, listed: promptFeatures, path: specURL.path)
        longestSpans = try LongestSpans.load(from: spec, listed: promptFeatures, path: specURL.path)
        quotedPairs = try QuotedPairs.load(from: spec, listed: promptFeatures, path: specURL.path)
        namedCalls = try NamedCalls.load(from: spec, listed: promptFeatures, path: specURL.path)
        namedOptional = try NamedOptional.load(from: spec, listed: promptFeatures, path: specURL.path)
        copiedItems = try CopiedItems.load(from: spec, listed: promptFeatures, path: specURL.path)
        previousFiles = try PreviousFiles.load(from: spec, listed: promptFeatures, path: specURL.path)
        siblingCalls = try SiblingCalls.load(from: spec, listed: promptFeatures, path: specURL.path)
        chosenCalls = try ChosenCalls.load(from: spec, listed: promptFeatures, path: specURL.path)
        let sentences: (any SentenceEmbedder)? =
            promptFeatures.contains(RetrievalHint.feature) || promptFeatures.contains(ClauseTools.feature)
                || promptFeatures.contains(ClauseTools.unmatchedTextFeature)
                || promptFeatures.contains(HintTools.clauseFeature)
            ? try embedder ?? MiniLMEmbedder(modelDirectory: EmbeddingModelLocator.locate()) : nil
        retrieval =
            promptFeatures.contains(RetrievalHint.feature)
            ? try RetrievalHint(directory: directory, embedder: sentences!) : nil
        toolChoice = promptFeatures.contains(ToolChoice.feature) ? try ToolChoice(directory: directory) : nil
        if let toolChoice, let retrieval, !toolChoice.fits(dimension: retrieval.dimension) {
            throw InferenceError.invalidConfig(
                directory.appendingPathComponent("tool_choice.json").path, field: "weights",
                "rows do not hold \(retrieval.dimension) embedding weights plus one per tool")
        }
        clauseTools =
            promptFeatures.contains(ClauseTools.feature) || promptFeatures.contains(ClauseTools.unmatchedTextFeature)
                || promptFeatures.contains(HintTools.clauseFeature)
            ? ClauseTools(embedder: CachingSentenceEmbedder(sentences!)) : nil
        unmatchedTextThreshold =
            promptFeatures.contains(ClauseTools.unmatchedTextFeature)
            ? try ClauseTools.threshold(spec["unmatched_text"], path: specURL.path) : nil
        func int(_ key: String, _ fallback: Int) -> Int {
            if case .number(let t)? = spec[key], let v = Int(t) { return v }
            return fallback
        }
        maxPromptTokens = int("max_prompt_tokens", 1024)
        maxNewTokens = int("max_new_tokens", 256)
        var toolList = tools ?? []
        var toolDescriptions: [String?] = []
        if tools == nil, case .array(let listed)? = spec["tools"] {
            for tool in listed {
                guard case .string(let name)? = tool["name"] else { continue }
                toolList.append((name, tool["parameters"]))
                if case .string(let text)? = tool["description"] { toolDescriptions.append(text) } else {
                    toolDescriptions.append(nil)
                }
            }
        }
        self.toolList = toolList
        self.toolDescriptions = toolDescriptions
        self.tools = Dictionary(
            toolList.map { ($0.name, $0.parameters ?? .object([])) }, uniquingKeysWith: { a, _ in a })
        model = try LlamaModel(directory: directory)
        tokenizer = try BPETokenizer(url: directory.appendingPathComponent("tokenizer.json"))
        guard let end = tokenizer.id(of: "<|end|>") else {
            throw InferenceError.tokenizer(
                directory.appendingPathComponent("tokenizer.json").path, "has no <|end|> token")
        }
        self.end = end
        root = graph.canonicalResponse(tools: Self.foundationTools(toolList.map(optionalArguments.apply)))
        index = VocabularyIndex(tokenizer: tokenizer)
    }

    /// The prompt features this build renders (distill/trainer/PROMPT_FORMAT.md, "Prompt features").
    public static let knownPromptFeatures = [
        RetrievalHint.feature, SlotRecency.feature, QuestionSpans.feature, HintTools.feature,
        RememberedKeys.feature, ClauseTools.feature, DistinctCalls.feature, tagSlotsFeature,
        ClauseTools.unmatchedTextFeature, HintTools.clauseFeature, DistinctSlots.feature, ClauseCalls.feature,
        CallLimit.feature, UnitExponents.feature,
        ToolChoice.feature, TagLists.feature, CueValues.feature, SingleCalls.feature, NamedValues.feature,
        QuotedPairs.feature, CompleteCalls.feature, NamedCalls.feature, NamedOptional.feature, CopiedItems.feature,
        PreviousFiles.feature, SiblingCalls.feature, LongestSpans.feature, ChosenCalls.feature, ShapedValues.feature,
        OrdinalItems.feature,
        UnitNumbers.feature,
    ]

    /// Prompt feature `tag_slots` (distill/trainer/tag_slots.py): `#word` and `@word` of free text
    /// are value slots (`SlotScanner`).
    public static let tagSlotsFeature = "tag_slots"

    static func promptFeatures(_ spec: OrderedJSON, path: String) throws -> [String] {
        guard let value = spec["prompt_features"], value != .null else { return [] }
        guard case .array(let items) = value else {
            throw InferenceError.invalidConfig(path, field: "prompt_features", "is not a list of names")
        }
        return try items.map { item in
            guard case .string(let name) = item, knownPromptFeatures.contains(name) else {
                throw InferenceError.invalidConfig(
                    path, field: "prompt_features",
                    "lists \(item.jsonText), which this build does not render (known: "
                        + "\(knownPromptFeatures.joined(separator: ", "))); update Understudy or retrain without it")
            }
            return name
        }
    }

    static func foundationTools(_ tools: [PromptRenderer.Tool]) -> [(name: String, parameters: Any?)] {
        tools.map { tool in
            (tool.name, (tool.parameters.flatMap { try? JSONSerialization.jsonObject(with: Data($0.jsonText.utf8)) }))
        }
    }

    /// v3: a tool's `parameters` with each top-level property that has a parameter-name slot
    /// renamed to `<Sk>` (in `properties` and `required`), so the grammar takes keys as slots.
    static func slotKeys(_ parameters: OrderedJSON, _ slots: PromptSlotTable) -> OrderedJSON {
        guard case .object(let members) = parameters else { return parameters }
        func renamed(_ key: String) -> String {
            slots.findKey(PromptRenderer.escape(key)).map { "<S\($0)>" } ?? key
        }
        return .object(
            members.map { member in
                switch (member.key, member.value) {
                case ("properties", .object(let properties)):
                    return (member.key, .object(properties.map { (renamed($0.key), $0.value) }))
                case ("required", .array(let names)):
                    return (
                        member.key,
                        .array(names.map { if case .string(let s) = $0 { return .string(renamed(s)) } else { return $0 } })
                    )
                default: return member
                }
            })
    }

    /// Answers the varying part of a request (greedy unless `temperature` > 0).
    /// - Parameter requestTools: the request's own tools; used when the specialist was trained on
    ///   requests that bring their own tools (`requestTools`), else ignored. Nil: the cluster's.
    /// - Parameter toolDescriptions: the request tools' descriptions, in the same order (prompt
    ///   feature `clause_tools` embeds them; nil: none).
    public func answer(
        _ messages: [PromptRenderer.Message], tools requestTools: [PromptRenderer.Tool]? = nil,
        toolDescriptions: [String?]? = nil, temperature: Float = 0, seed: UInt64 = 0
    ) throws -> Answer {
        let served = try servingPrompt(messages, tools: requestTools)
        let (prompt, listed, query, nearestHint) = (served.prompt, served.listed, served.query, served.nearestHint)
        var schemaGraph = graph
        var start = root
        var schemas = tools
        var textOnly = false
        var described: [(name: String, description: String?)] = []
        var chosenTools: [String]?  // prompt feature tool_choice's choice, when it restricted decoding
        if let listed {
            // The request's tools: a fresh grammar whose calls are named by the tool-name slots.
            var allowed = listed
            if let clauseTools {
                described = Self.described(listed.map(\.name), toolDescriptions ?? [])
                let question = RetrievalHint.queryText(messages)
                // Both features from one embedding call (one encoder pass for the request's new texts).
                let choice = try clauseTools.choose(
                    question: question, tools: described,
                    pick: promptFeatures.contains(ClauseTools.feature) && listed.count >= 2,
                    score: unmatchedTextThreshold != nil)
                // Prompt feature clause_tools: calls keep to the tools the question's clauses pick.
                if !choice.picked.isEmpty { allowed = listed.filter { choice.picked.contains($0.name) } }
                // Prompt feature unmatched_text: a question near none of the tools gets a text answer.
                if let threshold = unmatchedTextThreshold, let best = choice.bestScore { textOnly = best < threshold }
            }
            (schemaGraph, start, schemas) = requestGrammar(prompt, allowed: allowed, listed: listed, textOnly: textOnly)
        } else if let nearestHint, promptFeatures.contains(HintTools.feature) {
            // Prompt feature hint_tools: calls keep to the nearest neighbour's tools (if it called any).
            var nearest = HintTools.nearestTools(nearestHint, among: toolList)
            if let toolChoice {
                // Prompt feature tool_choice: the cluster's classifier chooses the tools instead, also
                // where the nearest neighbour answered with text (content stays free: text is still
                // possible); left free there, the model called tools the classifier ruled out.
                let chosen = toolChoice.chosen(query: query, messages: messages)
                nearest = toolList.filter { chosen.contains($0.name) }
                chosenTools = chosen
            } else if !nearest.isEmpty, promptFeatures.contains(HintTools.clauseFeature), let clauseTools {
                // Prompt feature clause_hint_tools: the tools the question's clauses pick join them.
                let picked = try clauseTools.pickedTools(
                    question: RetrievalHint.queryText(messages), tools: Self.described(toolList.map(\.name), self.toolDescriptions))
                nearest = HintTools.joined(nearest, picked: picked, among: toolList)
            }
            if !nearest.isEmpty {
                schemaGraph = JSONSchemaGraph()
                start = schemaGraph.canonicalResponse(tools: Self.foundationTools(nearest.map(optionalArguments.apply)))
            }
        }
        let grammar = (graph: schemaGraph, start: start, schemas: schemas)
        // Prompt feature clause_calls: a question of several clauses is answered clause by clause,
        // each under a grammar of its own prompt's slots (and, with clause_tools, its clause's tool).
        if let listed, !textOnly, promptFeatures.contains(ClauseCalls.feature) {
            let question = RetrievalHint.queryText(messages)
            let clauses = ClauseTools.clauses(question)
            let answers = try ClauseCalls.prompts(prompt, question: question).enumerated().map { k, clausePrompt in
                var allowed = listed
                if let clauseTools, promptFeatures.contains(ClauseTools.feature), listed.count >= 2 {
                    let picked = try clauseTools.pickedTools(question: clauses[k], tools: described)
                    if !picked.isEmpty { allowed = listed.filter { picked.contains($0.name) } }
                }
                let clauseGrammar = requestGrammar(clausePrompt, allowed: allowed, listed: listed, textOnly: false)
                return try generate(
                    clausePrompt, clauseGrammar, messages, listed: true, temperature: temperature, seed: seed)
            }
            if let merged = ClauseCalls.merged(answers) {
                return withSiblings(merged, prompt, messages, tools: schemas)
            }
        }
        // Prompt feature chosen_calls (the last fill) reads tool_choice's choice.
        let answer = try generate(
            prompt, grammar, messages, listed: listed != nil, temperature: temperature, seed: seed,
            chosen: chosenTools)
        return withSiblings(answer, prompt, messages, tools: schemas)
    }

    /// Tool names paired with their descriptions by position (a missing description is nil).
    public static func described(_ names: [String], _ descriptions: [String?]) -> [(name: String, description: String?)] {
        names.indices.map { (name: names[$0], description: $0 < descriptions.count ? descriptions[$0] : nil) }
    }
}
