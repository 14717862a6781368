import Foundation

/// Prompt feature `sibling_calls` (distill/trainer/sibling_calls.py, PROMPT_FORMAT.md "Prompt
/// features"; requests that bring their own tools): an answer whose calls all name one tool becomes
/// one call per value set the question writes in the same words ("a rate of 5 … a distance of 100
/// … a rate of 10 … a distance of 200": calls with 5, 100 and 10, 200). A scratch specialist writes
/// a parallel request's calls with shuffled values, or one call and stops; the question shows the
/// sets. The template is the call with the most values copied from slots; each of its values groups
/// with the slot texts written after the same K tokens (K learnt from the training answers). Applied
/// after every other fill; nothing is added to the prompt.
///
/// ```swift
/// let siblings = SiblingCalls(context: 2)
/// let candidates = SiblingCalls.candidates(prompt.slots, messages: messages)
/// let expanded = siblings.expand(response, messages: messages, candidates: candidates, tools: tools, limit: nil)
/// ```
public struct SiblingCalls: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "sibling_calls"

    /// K: how many tokens before a value make its context (specialist.json `sibling_calls.context`).
    public let context: Int

    public init(context: Int) {
        self.context = context
    }

    /// Reads `sibling_calls` of specialist.json (`{"context": K, "counts": {...}}`).
    init(_ value: OrderedJSON?, path: String) throws {
        guard case .number(let text)? = value?["context"], let size = Int(text), size >= 1 else {
            throw InferenceError.invalidConfig(path, field: "sibling_calls.context", "is not a positive integer")
        }
        self.init(context: size)
    }

    /// The slot texts an argument value may be copied from: every slot's but the name-only ones
    /// (`PromptSlotTable.nameOnlySlots`, which the grammar never lets a value copy) and the
    /// exponent slots (`UnitExponents.slots`).
    public static func candidates(_ table: PromptSlotTable, messages: [PromptRenderer.Message]) -> [String] {
        let banned = table.nameOnlySlots.union(UnitExponents.slots(table, userText: UnitExponents.userText(messages)))
        return table.slots.indices.filter { !banned.contains($0) }.map { table.slots[$0].text }
    }

    /// The response with its one tool's calls replaced by one call per value set of the question;
    /// unchanged unless every call names one tool, the template's varying arguments have equally
    /// large value groups, more than the answer's distinct calls (a model that wrote as many calls
    /// as the question has value sets keeps them) and no more than `limit` (prompt feature
    /// `call_limit`, nil without it). `candidates`: `candidates(_:messages:)`; `tools`: each tool's
    /// `parameters`.
    public func expand(
        _ response: AnswerRestorer.Response, messages: [PromptRenderer.Message], candidates slotTexts: [String],
        tools: [String: OrderedJSON], limit: Int?
    ) -> AnswerRestorer.Response {
        guard let first = response.toolCalls.first, response.toolCalls.allSatisfy({ $0.name == first.name })
        else { return response }
        let candidates = slotTexts.map { Array($0.unicodeScalars) }
        typealias Copied = (key: String, value: OrderedJSON, text: [Unicode.Scalar]?)
        func copied(_ call: AnswerRestorer.Response.ToolCall) -> [Copied] {
            guard case .object(let members) = call.arguments else { return [] }
            return members.map { ($0.key, $0.value, Self.slotText($0.value, candidates)) }
        }
        // The template: the call with the most arguments copied from a slot (the earliest of a tie).
        var template = first
        var best = -1
        for call in response.toolCalls {
            let count = copied(call).filter { $0.text != nil }.count
            if count > best { (template, best) = (call, count) }
        }
        let arguments = copied(template)
        let question = Array(RetrievalHint.queryText(messages).unicodeScalars)
        var varying: [Int: [[Unicode.Scalar]]] = [:]
        for (index, argument) in arguments.enumerated() {
            guard let text = argument.text else { continue }
            let held = arguments.enumerated().compactMap { $0.offset == index ? nil : $0.element.text }
            let isNumber: Bool
            if case .string = argument.value { isNumber = false } else { isNumber = true }
            let group = valueGroup(question, text, number: isNumber, candidates, held: held)
            if !group.isEmpty { varying[index] = group }
        }
        let counts = Set(varying.values.map(\.count))
        guard counts.count == 1, let count = counts.first, count > Self.distinctCount(response.toolCalls),
            count <= limit ?? count
        else { return response }
        let schema = tools[template.name]?["properties"]
        var expanded = response
        expanded.toolCalls = (0..<count).map { j in
            var call = template
            call.arguments = .object(
                arguments.enumerated().map { index, argument in
                    guard let group = varying[index] else { return (argument.key, argument.value) }
                    var text = ""
                    text.unicodeScalars.append(contentsOf: group[j])
                    return (argument.key, CueValues.typed(text, schema?[argument.key]))
                })
            return call
        }
        return expanded
    }

    /// How many distinct calls the answer holds, compared as the trainer's dicts are (key order
    /// aside, numbers by value).
    static func distinctCount(_ calls: [AnswerRestorer.Response.ToolCall]) -> Int {
        func unordered(_ value: OrderedJSON) -> OrderedJSON {
            switch value {
            case .object(let members):
                return .object(members.map { ($0.key, unordered($0.value)) }.sorted { $0.0 < $1.0 })
            case .array(let items): return .array(items.map(unordered))
            default: return value
            }
        }
        var distinct: [AnswerRestorer.Response.ToolCall] = []
        for call in calls {
            let plain = AnswerRestorer.Response.ToolCall(name: call.name, arguments: unordered(call.arguments))
            if !distinct.contains(plain) { distinct.append(plain) }
        }
        return distinct.count
    }

    /// The slot text an argument value was copied from: a non-empty string equal to a candidate,
    /// or the first number candidate of a number's value; nil otherwise.
    static func slotText(_ value: OrderedJSON, _ candidates: [[Unicode.Scalar]]) -> [Unicode.Scalar]? {
        switch value {
        case .string(let text) where !text.isEmpty:
            let scalars = Array(text.unicodeScalars)
            return candidates.contains(scalars) ? scalars : nil
        case .number(let text):
            guard let number = Double(text) else { return nil }
            return candidates.first { candidate in
                let spelled = String(String.UnicodeScalarView(candidate))
                return PromptSlotTable.isNumberText(spelled) && Double(spelled) == number
            }
        default:
            return nil
        }
    }

    /// `text` and the candidates the question writes with the same context, by first occurrence
    /// (ties by code points); number texts only for a number; none another argument was copied
    /// from; empty when no candidate but `text` has that context.
    func valueGroup(
        _ question: [Unicode.Scalar], _ text: [Unicode.Scalar], number: Bool, _ candidates: [[Unicode.Scalar]],
        held: [[Unicode.Scalar]]
    ) -> [[Unicode.Scalar]] {
        guard let start = Self.firstOccurrence(of: text, in: question),
            let wanted = Self.context(question, before: start, size: context)
        else { return [] }
        var found: [(at: Int, text: [Unicode.Scalar])] = [(start, text)]
        var seen: [[Unicode.Scalar]] = []
        for candidate in candidates where !seen.contains(candidate) {
            seen.append(candidate)
            guard candidate != text, !held.contains(candidate),
                !number || PromptSlotTable.isNumberText(String(String.UnicodeScalarView(candidate))),
                let at = Self.firstOccurrence(of: candidate, in: question),
                Self.context(question, before: at, size: context) == wanted
            else { continue }
            found.append((at, candidate))
        }
        guard found.count > 1 else { return [] }
        return found.sorted { a, b in
            if a.at != b.at { return a.at < b.at }
            return a.text.lexicographicallyPrecedes(b.text, by: { $0.value < $1.value })
        }.map(\.text)
    }

    /// The leftmost position of `text` in `question` whose scalar before is no ASCII letter, digit
    /// or `.` and whose scalars after are no ASCII letter or digit and no `.` then a digit
    /// (unit_exponents' occurrence, whose byte offsets and regular expression do not fit the scalar
    /// positions the contexts count in).
    static func firstOccurrence(of text: [Unicode.Scalar], in question: [Unicode.Scalar]) -> Int? {
        guard !text.isEmpty, text.count <= question.count else { return nil }
        for at in 0...(question.count - text.count) where question[at..<(at + text.count)].elementsEqual(text) {
            let before = at > 0 ? question[at - 1] : nil
            let after = at + text.count < question.count ? question[at + text.count] : nil
            if let before, isASCIIAlphanumeric(before) || before == "." { continue }
            if let after, isASCIIAlphanumeric(after) { continue }
            // the `5` of `5.5` is no occurrence: a `.` then a digit follows it
            if after == ".", at + text.count + 1 < question.count, ("0"..."9").contains(question[at + text.count + 1]) {
                continue
            }
            return at
        }
        return nil
    }

    /// The last `size` tokens before `position` (runs of `[A-Za-z0-9_]`, and each other scalar
    /// that is not ASCII whitespace), ASCII-lowercased, as scalar values (compared as the trainer's
    /// code points are); nil when fewer precede it.
    static func context(_ question: [Unicode.Scalar], before position: Int, size: Int) -> [[UInt32]]? {
        var tokens: [[UInt32]] = []
        var word: [UInt32] = []
        for scalar in question[..<position] {
            if isASCIIAlphanumeric(scalar) || scalar == "_" {
                word.append(("A"..."Z").contains(scalar) ? scalar.value + 32 : scalar.value)
                continue
            }
            if !word.isEmpty {
                tokens.append(word)
                word = []
            }
            if !" \t\n\r\u{0B}\u{0C}".unicodeScalars.contains(scalar) { tokens.append([scalar.value]) }
        }
        if !word.isEmpty { tokens.append(word) }
        return tokens.count < size ? nil : Array(tokens.suffix(size))
    }

    static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
