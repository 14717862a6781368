/// Constrains generation to JSON that fits a schema (`TokenConstraint` for `LlamaModel.generate`):
/// each step only tokens whose bytes keep the text valid are allowed, and the end token only
/// once the JSON value is complete.
///
/// ```swift
/// let graph = JSONSchemaGraph()
/// let root = graph.canonicalResponse(tools: tools)
/// let constraint = JSONConstraint(index: index, automaton: JSONAutomaton(graph: graph, root: root, slots: 3, sortedKeys: true),
///                                 endTokens: [endID])
/// let result = try model.generate(prompt: ids, configuration: .init(maxNewTokens: 128), constraint: constraint)
/// ```
public final class JSONConstraint: TokenConstraint {
    /// The automaton after the tokens accepted so far.
    public private(set) var automaton: JSONAutomaton
    let index: VocabularyIndex
    let endTokens: Set<Int32>
    private var ended = false

    /// - Parameters:
    ///   - index: the vocabulary index of the model's tokenizer.
    ///   - automaton: the automaton at the start of the answer.
    ///   - endTokens: tokens allowed (only) once the JSON is complete; generation stops on them.
    ///     Empty: generation stops as soon as the JSON is complete.
    public init(index: VocabularyIndex, automaton: JSONAutomaton, endTokens: Set<Int32>) {
        self.index = index
        self.automaton = automaton
        self.endTokens = endTokens
    }

    public var isComplete: Bool { ended || (endTokens.isEmpty && automaton.isComplete) }

    public func mask(_ logits: inout [Float]) {
        var masked = [Float](repeating: -.infinity, count: logits.count)
        for id in index.allowedTokens(after: automaton) where Int(id) < logits.count {
            masked[Int(id)] = logits[Int(id)]
        }
        if automaton.isComplete {
            for id in endTokens where Int(id) < logits.count { masked[Int(id)] = logits[Int(id)] }
        }
        logits = masked
    }

    public func allows(_ token: Int32) -> Bool {
        if endTokens.contains(token) { return automaton.isComplete }
        let bytes = index.bytes(of: token)
        guard !bytes.isEmpty else { return false }
        var trial = automaton
        return trial.feed(bytes)
    }

    public func accept(_ token: Int32) throws {
        if endTokens.contains(token) {
            guard automaton.isComplete else {
                throw InferenceError.constraint("end token \(token) before the JSON was complete")
            }
            ended = true
            return
        }
        var next = automaton
        guard next.feed(index.bytes(of: token)) else {
            throw InferenceError.constraint("token \(token) does not continue valid JSON here")
        }
        automaton = next
    }
}
