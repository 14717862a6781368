import Foundation

/// Grammar and generation of one rendered prompt: `answer` uses them once per request, prompt
/// feature `clause_calls` once per clause.
extension Specialist {
    /// The grammar of a prompt that lists the request's tools: calls to `allowed`, named by their
    /// tool-name slots, keys by their parameter-name slots; text only when `textOnly`.
    func requestGrammar(
        _ prompt: PromptRenderer.Prompt, allowed: [PromptRenderer.Tool], listed: [PromptRenderer.Tool], textOnly: Bool
    ) -> (graph: JSONSchemaGraph, start: Int, schemas: [String: OrderedJSON]) {
        let schemaGraph = JSONSchemaGraph()
        let slots = allowed.enumerated().compactMap { item in
            prompt.slots.findName(PromptRenderer.escape(item.element.name)).map { (slot: $0, tool: item.offset) }
        }
        let keyed = allowed.map(optionalArguments.apply).map { tool in
            (name: tool.name, parameters: tool.parameters.map { Self.slotKeys($0, prompt.slots) })
        }
        let start = schemaGraph.canonicalResponse(
            tools: Self.foundationTools(keyed), nameSlots: slots, textOnly: textOnly)
        let schemas = Dictionary(
            listed.map { ($0.name, $0.parameters ?? .object([])) }, uniquingKeysWith: { a, _ in a })
        return (schemaGraph, start, schemas)
    }

    /// Generates and restores the answer of one rendered prompt under a grammar; `chosen`: prompt
    /// feature `tool_choice`'s choice where it restricted decoding, for `chosen_calls`.
    func generate(
        _ prompt: PromptRenderer.Prompt,
        _ grammar: (graph: JSONSchemaGraph, start: Int, schemas: [String: OrderedJSON]),
        _ messages: [PromptRenderer.Message], listed: Bool, temperature: Float, seed: UInt64,
        chosen: [String]? = nil
    ) throws -> Answer {
        let ids = promptIDs(prompt, listed: listed)
        let noValueSlots = Self.noValueSlots(
            prompt, messages: messages, listed: listed, unitExponents: promptFeatures.contains(UnitExponents.feature))
        var constraint: any TokenConstraint = JSONConstraint(
            index: index,
            automaton: JSONAutomaton(
                graph: grammar.graph, root: grammar.start, slots: prompt.slots.slots.count, sortedKeys: !listed,
                slotTexts: prompt.slots.slots.map(\.text), pointerTexts: prompt.slots.units?.unitTexts,
                nameSlots: noValueSlots),
            endTokens: [end])
        // Prompt feature distinct_slots: a call never writes one value slot twice.
        if promptFeatures.contains(DistinctSlots.feature) { constraint = DistinctSlots(constraint, index: index) }
        let distinct = promptFeatures.contains(DistinctCalls.feature)
        if distinct { constraint = DistinctCalls.stop(constraint, index: index) }
        // Prompt feature call_limit: at most the calls the question asks for.
        let limit =
            promptFeatures.contains(CallLimit.feature)
            ? CallLimit.limit(question: RetrievalHint.queryText(messages)) : nil
        if let limit { constraint = CallLimit.stop(constraint, index: index, limit: limit) }
        let result = try model.generate(
            prompt: ids,
            configuration: .init(maxNewTokens: maxNewTokens, temperature: temperature, seed: seed, stopTokens: [end]),
            constraint: constraint)
        var text = tokenizer.decode(result.tokens)
        if distinct { text = DistinctCalls.cutRepeats(text) }
        if let limit { text = CallLimit.cut(text, limit: limit) }
        // Prompt feature complete_calls: an answer cut at max_new_tokens keeps its finished calls.
        if promptFeatures.contains(CompleteCalls.feature) { text = CompleteCalls.keepComplete(text) }
        var answer = Answer(
            response: nil, failure: nil, text: text, minLogProbability: result.minLogProbability,
            meanLogProbability: result.meanLogProbability, tokens: result.tokens.count,
            finishReason: result.finishReason, promptIDs: ids)
        do {
            let restored = try AnswerRestorer.restore(text, slots: prompt.slots, tools: grammar.schemas)
            answer.response = filled(restored, messages: messages, tools: grammar.schemas, chosen: chosen)
        } catch {
            answer.failure =
                result.finishReason == .length ? "the answer was cut at max_new_tokens (\(maxNewTokens))" : "\(error)"
        }
        return answer
    }

    /// Prompt feature sibling_calls, after every fill (and after clause_calls' merge, against the
    /// whole question): a one-tool answer becomes one call per value set the question writes.
    func withSiblings(
        _ answer: Answer, _ prompt: PromptRenderer.Prompt, _ messages: [PromptRenderer.Message],
        tools: [String: OrderedJSON]
    ) -> Answer {
        guard let siblingCalls, let response = answer.response else { return answer }
        let limit =
            promptFeatures.contains(CallLimit.feature)
            ? CallLimit.limit(question: RetrievalHint.queryText(messages)) : nil
        var expanded = answer
        expanded.response = siblingCalls.expand(
            response, messages: messages, candidates: SiblingCalls.candidates(prompt.slots, messages: messages),
            tools: tools, limit: limit)
        return expanded
    }

    /// The slots no argument value may copy: with request tools, the listed tools' names and
    /// parameter names that are never values and, with prompt feature `unit_exponents`, numbers the
    /// user text writes only as units' exponents; none without request tools.
    public static func noValueSlots(
        _ prompt: PromptRenderer.Prompt, messages: [PromptRenderer.Message], listed: Bool, unitExponents: Bool
    ) -> Set<Int> {
        guard listed else { return [] }
        let names = prompt.slots.nameOnlySlots
        guard unitExponents else { return names }
        return names.union(UnitExponents.slots(prompt.slots, userText: UnitExponents.userText(messages)))
    }

    /// The answer fills the specialist lists, in PROMPT_FORMAT.md's order: `single_calls`, then
    /// `named_calls` (calls added before values are set), `named_optional` (optional arguments the
    /// question does not name dropped), `ordinal_items` (a position the question names, before every
    /// value it writes), `named_values` (before the fills that set
    /// values from cues and memory), `longest_spans` (the spans `named_values` leaves), `cue_values`, `shaped_values`,
    /// `unit_numbers`, `quoted_pairs`, `remembered_keys` (after
    /// `cue_values`: a key the conversation remembers keeps its value), `tag_lists`, `copied_items`
    /// (it drops what the request does not hold) and `previous_files` (the last word on a file the
    /// question does not name); each later fill overwrites a key an earlier one set. Then
    /// `chosen_calls` inserts the chosen argument-less tools the answer left out among the calls
    /// the others left (one with an empty `after` list ahead of a login `named_calls` added). The
    /// golden file `fill_order.jsonl` pins the order for both engines (evaluate.py's `filled`).
    /// `tools`: each tool's `parameters` schema by name; `chosen`: prompt feature `tool_choice`'s
    /// choice where it restricted decoding (nil: it restricted nothing).
    public func filled(
        _ response: AnswerRestorer.Response, messages: [PromptRenderer.Message], tools: [String: OrderedJSON],
        chosen: [String]? = nil
    ) -> AnswerRestorer.Response {
        var response = singleCalls?.cut(response) ?? response
        if let namedCalls { response = namedCalls.fill(response, messages: messages, tools: tools) }
        if let namedOptional { response = namedOptional.fill(response, messages: messages) }
        if let ordinalItems { response = ordinalItems.fill(response, messages: messages) }
        if let namedValues { response = namedValues.fill(response, messages: messages, tools: tools) }
        if let longestSpans { response = longestSpans.fill(response, messages: messages, tools: tools) }
        if let cueValues { response = cueValues.fill(response, messages: messages, tools: tools) }
        if let shapedValues { response = shapedValues.fill(response, messages: messages, tools: tools) }
        if let unitNumbers { response = unitNumbers.fill(response, messages: messages, tools: tools) }
        if let quotedPairs { response = quotedPairs.fill(response, messages: messages, tools: tools) }
        if let rememberedKeys { response = rememberedKeys.fill(response, messages: messages, tools: tools) }
        if let tagLists { response = tagLists.fill(response, messages: messages) }
        if let copiedItems { response = copiedItems.fill(response, messages: messages, tools: tools) }
        if let previousFiles { response = previousFiles.fill(response, messages: messages, tools: tools) }
        if let chosenCalls { response = chosenCalls.fill(response, chosen: chosen) }
        return response
    }
}
