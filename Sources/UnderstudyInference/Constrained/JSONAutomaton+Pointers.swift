/// Pointer runs (prompt feature `question_spans`): where a string without enum options or a
/// number may stand, the answer may write `<Wi><Wi+1>…<Wj>`, consecutive pointers to units of the
/// question. A number takes only a run that reads as one: a number unit, or `-` and a number unit.
extension JSONAutomaton {
    /// Whether a pointer run may stand for a value of schema node `node` (-1: any value).
    func pointerFits(_ node: Int) -> Bool {
        guard node >= 0 else { return true }
        switch graph.nodes[node] {
        case .string(let options): return options == nil
        case .number: return true
        default: return false
        }
    }

    private func isNumberNode(_ node: Int) -> Bool {
        guard node >= 0, pointerTexts != nil, case .number = graph.nodes[node] else { return false }
        return true
    }

    /// Whether `first...last` may start a run for `node`.
    private func prefixFits(_ first: Int, _ last: Int, _ node: Int) -> Bool {
        guard isNumberNode(node), let texts = pointerTexts else { return true }
        switch last - first {
        case 0: return Self.isNumberText(texts[first]) || texts[first] == [UInt8(ascii: "-")]
        case 1: return texts[first] == [UInt8(ascii: "-")] && Self.isNumberText(texts[last])
        default: return false
        }
    }

    /// Whether the run `first...last` may end here for `node`.
    private func runFits(_ first: Int, _ last: Int, _ node: Int) -> Bool {
        guard isNumberNode(node), let texts = pointerTexts else { return true }
        return prefixFits(first, last, node) && (last > first || Self.isNumberText(texts[first]))
    }

    mutating func stepPointer(
        _ phase: UInt8, _ value: Int, _ first: Int, _ previous: Int, _ node: Int, _ byte: UInt8
    ) -> StepResult {
        switch phase {
        case 0:
            guard byte == UInt8(ascii: "<") else { return .reject }
        case 1:
            guard byte == UInt8(ascii: "W") else { return .reject }
        case 255:
            if byte == UInt8(ascii: "<") {
                guard previous + 1 < pointers, prefixFits(first, previous + 1, node) else { return .reject }
                replaceTop(.pointer(phase: 1, value: 0, first: first, previous: previous, node: node))
                return .consumed
            }
            guard runFits(first, previous, node) else { return .reject }
            finish(.none)
            return .refeed
        default:
            if byte == UInt8(ascii: ">") {
                guard phase >= 3, value < pointers, previous < 0 || value == previous + 1 else { return .reject }
                let start = previous < 0 ? value : first
                guard prefixFits(start, value, node) else { return .reject }
                replaceTop(.pointer(phase: 255, value: 0, first: start, previous: value, node: node))
                return .consumed
            }
            guard byte >= 48 && byte <= 57, !(phase == 3 && value == 0) else { return .reject }
            let next = value * 10 + Int(byte - 48)
            guard next < pointers else { return .reject }
            replaceTop(.pointer(phase: min(phase + 1, 254), value: next, first: first, previous: previous, node: node))
            return .consumed
        }
        replaceTop(.pointer(phase: phase + 1, value: value, first: first, previous: previous, node: node))
        return .consumed
    }
}
