import Foundation

/// Prompt feature `sibling_calls` (distill/trainer/sibling_calls.py, PROMPT_FORMAT.md "Prompt
/// features"; requests that bring their own tools): an answer whose calls all name one tool becomes
/// its first call followed by one call per value set the question writes after the same words as
/// the first call's values ("a rate of 5 … a distance of 100 … a rate of 10 … a distance of 200":
/// a second call with 10 and 200). A scratch specialist writes the first call of a parallel request
/// and then stops or repeats values; the question shows the rest. How many words of context mark a
/// sibling (K) is learnt from the training answers. Applied after every other fill; nothing is
/// added to the prompt.
///
/// ```swift
/// let siblings = SiblingCalls(context: 2)
/// let texts = prompt.slots.slots.map(\.text)
/// let expanded = siblings.expand(response, messages: messages, slotTexts: texts, tools: tools)
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

    /// The response with its one tool's first call followed by one call per sibling value set;
    /// unchanged unless every call names one tool and the varying arguments have equally many
    /// siblings. `slotTexts`: the prompt's slot table texts; `tools`: each tool's `parameters`.
    public func expand(
        _ response: AnswerRestorer.Response, messages: [PromptRenderer.Message], slotTexts: [String],
        tools: [String: OrderedJSON]
    ) -> AnswerRestorer.Response {
        guard let template = response.toolCalls.first,
            response.toolCalls.allSatisfy({ $0.name == template.name }), case .object(let members) = template.arguments
        else { return response }
        let question = Array(RetrievalHint.queryText(messages).unicodeScalars)
        let candidates = slotTexts.map { Array($0.unicodeScalars) }
        let texts = members.map { Self.slotText($0.value, candidates) }
        let held = texts.compactMap { $0 }
        var varying: [Int: [[Unicode.Scalar]]] = [:]
        for (index, text) in texts.enumerated() {
            guard let text else { continue }
            let isNumber: Bool
            if case .string = members[index].value { isNumber = false } else { isNumber = true }
            let found = siblings(question, text, number: isNumber, candidates, held: held)
            if !found.isEmpty { varying[index] = found }
        }
        let counts = Set(varying.values.map(\.count))
        guard counts.count == 1, let count = counts.first else { return response }
        let schema = tools[template.name]?["properties"]
        var expanded = response
        expanded.toolCalls = [template]
        for j in 0..<count {
            var call = template
            call.arguments = .object(
                members.enumerated().map { index, member in
                    guard let found = varying[index] else { return (member.key, member.value) }
                    var text = ""
                    text.unicodeScalars.append(contentsOf: found[j])
                    return (member.key, CueValues.typed(text, schema?[member.key]))
                })
            expanded.toolCalls.append(call)
        }
        return expanded
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

    /// The candidates the question writes after `text` with the same context, by first occurrence
    /// (ties by code points); number texts only for a number; none that an argument was copied from.
    func siblings(
        _ question: [Unicode.Scalar], _ text: [Unicode.Scalar], number: Bool, _ candidates: [[Unicode.Scalar]],
        held: [[Unicode.Scalar]]
    ) -> [[Unicode.Scalar]] {
        guard let start = Self.firstOccurrence(of: text, in: question),
            let wanted = Self.context(question, before: start, size: context)
        else { return [] }
        var found: [(at: Int, text: [Unicode.Scalar])] = []
        var seen: [[Unicode.Scalar]] = []
        for candidate in candidates where !seen.contains(candidate) {
            seen.append(candidate)
            guard candidate != text, !held.contains(candidate),
                !number || PromptSlotTable.isNumberText(String(String.UnicodeScalarView(candidate))),
                let at = Self.firstOccurrence(of: candidate, in: question), at > start,
                Self.context(question, before: at, size: context) == wanted
            else { continue }
            found.append((at, candidate))
        }
        return found.sorted { a, b in
            if a.at != b.at { return a.at < b.at }
            return a.text.lexicographicallyPrecedes(b.text, by: { $0.value < $1.value })
        }.map(\.text)
    }

    /// The leftmost position of `text` in `question` whose scalar before is no ASCII letter, digit
    /// or `.` and whose scalar after is no ASCII letter or digit (unit_exponents' occurrence).
    static func firstOccurrence(of text: [Unicode.Scalar], in question: [Unicode.Scalar]) -> Int? {
        guard !text.isEmpty, text.count <= question.count else { return nil }
        for at in 0...(question.count - text.count) where question[at..<(at + text.count)].elementsEqual(text) {
            let before = at > 0 ? question[at - 1] : nil
            let after = at + text.count < question.count ? question[at + text.count] : nil
            if let before, isASCIIAlphanumeric(before) || before == "." { continue }
            if let after, isASCIIAlphanumeric(after) { continue }
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
