/// A character-level (byte-level) automaton for compact JSON that fits a schema of a
/// `JSONSchemaGraph`: it is advanced one byte at a time and rejects the first byte that can no
/// longer lead to a valid document. Value type and `Hashable`, so the allowed-token mask can be
/// cached per state. Whitespace between tokens is not allowed (specialists write compact JSON).
///
/// ```swift
/// var automaton = JSONAutomaton(graph: graph, root: graph.compile(schema))
/// automaton.feed(Array(#"{"city":"Paris"}"#.utf8))   // true
/// automaton.isComplete                                // true
/// ```
public struct JSONAutomaton: Hashable, @unchecked Sendable {
    struct StringState: Hashable {
        var options: [[UInt8]]?
        var typed: [UInt8] = []
        var escape: UInt8 = 0  // 0 none, 1 after "\", 2...5 hex digits of \uXXXX still expected + 1
        var continuation: UInt8 = 0
        var isKey: Bool
    }

    enum Frame: Hashable {
        case value(node: Int)
        case string(StringState)
        case number(integer: Bool, phase: UInt8)
        case literal(node: Int, alive: [UInt16], matched: Int)
        /// `node`: the schema node the slot stands for (typed slots), -1 for any.
        case slot(phase: UInt8, value: Int, node: Int)
        /// A pointer run (prompt feature `question_spans`): phase 0 expects "<", 1 "W", 2 the first
        /// digit, 3+ more digits or ">", 255 after a pointer's ">" (another "<" or the end);
        /// `first`/`previous`: the run's first and latest pointer (-1 before the first).
        case pointer(phase: UInt8, value: Int, first: Int, previous: Int, node: Int)
        /// phase 0 after "{", 1 reading key, 2 expect ":", 3 reading value, 4 after value, 5 after ","
        case object(node: Int, phase: UInt8, seen: [String], key: String)
        /// phase 0 after "[", 1 reading item, 2 after item
        case array(node: Int, phase: UInt8)
        /// field index; phase 0 reading the key literal text, 1 reading value; field == count: expect "}"
        case fixed(node: Int, field: Int, phase: UInt8, matched: Int)
        /// phase 0 reading head, 1 reading arguments, 2 expect "}"
        case toolCall(node: Int, phase: UInt8)
    }

    enum Completion {
        case none
        case key([UInt8])
        case literal(Int)
    }

    let graph: JSONSchemaGraph
    var stack: [Frame]
    /// `<S0>` … `<S{slots-1}>` may stand for a string or number value.
    public let slots: Int
    /// Object keys must come in sorted order (the trainer sorts arguments' keys).
    public let sortedKeys: Bool
    /// The slots' texts (JSON-escaped, as an enum option is stored), when slots are typed: a slot
    /// then stands only where its value fits — a number slot for an integer or number, an enum
    /// member for an enum — so a `radius:integer` cannot take the slot holding "Denver".
    public let slotTexts: [[UInt8]]?
    /// `<W0>` … `<W{pointers-1}>` (prompt feature `question_spans`): a run of consecutive pointers
    /// may stand for a string without enum options, or (typed by `pointerTexts`) a number.
    public let pointers: Int
    /// The pointed-at units' texts: a number node then takes only a run that reads as a number.
    public let pointerTexts: [[UInt8]]?
    /// Slots that never stand for a value: the listed tools' names and parameter names (v3 request
    /// tools) whose text is not also a value of the prompt (`PromptSlotTable.nameOnlySlots`), which
    /// answers write as call names and keys; no training answer of the BFCL generic agent copies
    /// one into an argument (0 of 2,355 slotted values). With prompt feature `unit_exponents`
    /// also the exponent slots (`UnitExponents.slots`): numbers the user text writes only as a
    /// unit's exponent.
    public let nameSlots: Set<Int>

    /// An automaton expecting one value of `graph`'s node `root`.
    /// - Parameter slotTexts: type the slots by their texts (see `slotTexts`); nil: any slot fits
    ///   any string or number.
    /// - Parameter nameSlots: slots that are no value (see `nameSlots`).
    public init(
        graph: JSONSchemaGraph, root: Int, slots: Int = 0, sortedKeys: Bool = false, slotTexts: [String]? = nil,
        pointerTexts: [[UInt8]]? = nil, nameSlots: Set<Int> = []
    ) {
        self.nameSlots = nameSlots
        self.graph = graph
        stack = [.value(node: root)]
        self.slots = slots
        self.pointers = pointerTexts?.count ?? 0
        self.pointerTexts = pointerTexts
        self.sortedKeys = sortedKeys
        self.slotTexts = slotTexts.map { $0.map(JSONSchemaGraph.escapedInner) }
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.stack == b.stack && a.slots == b.slots && a.graph === b.graph && a.slotTexts == b.slotTexts
            && a.pointerTexts == b.pointerTexts && a.nameSlots == b.nameSlots
    }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(stack)
        hasher.combine(slots)
        hasher.combine(slotTexts?.count ?? -1)
        hasher.combine(pointers)
    }

    /// Whether slot `value` may stand for a value of schema node `node` (typed slots).
    func slotFits(_ value: Int, _ node: Int) -> Bool {
        if nameSlots.contains(value) { return false }
        guard let texts = slotTexts, node >= 0, value < texts.count else { return true }
        let text = texts[value]
        switch graph.nodes[node] {
        case .number: return Self.isNumberText(text)
        case .string(let options?): return options.contains(text)
        case .literals: return graph.literalOptions(node).contains(text)
        default: return true
        }
    }

    /// `-?[0-9]+(\.[0-9]+)?`: a slot of kind number (PROMPT_FORMAT.md).
    static func isNumberText(_ text: [UInt8]) -> Bool {
        var bytes = text[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 >= 48 && $0 <= 57 } }
    }

    /// True when a whole value has been read.
    public var isComplete: Bool {
        stack.isEmpty || (stack.count == 1 && Self.numberCanEnd(stack[0]))
    }

    /// Advances over `bytes`; false (and the automaton is left in an unspecified state) when
    /// one of them is not allowed.
    public mutating func feed<S: Sequence>(_ bytes: S) -> Bool where S.Element == UInt8 {
        for byte in bytes where !feed(byte) { return false }
        return true
    }

    static func numberCanEnd(_ frame: Frame) -> Bool {
        if case .number(_, let phase) = frame { return phase == 2 || phase == 3 || phase == 5 || phase == 8 }
        return false
    }

    /// Advances over one byte.
    public mutating func feed(_ byte: UInt8) -> Bool {
        while true {
            guard let top = stack.last else { return false }
            switch step(top, byte) {
            case .reject: return false
            case .consumed: return true
            case .refeed: continue
            }
        }
    }

    enum StepResult { case reject, consumed, refeed }

    mutating func replaceTop(_ frame: Frame) { stack[stack.count - 1] = frame }

    /// Pops the finished top frame and tells its parent.
    mutating func finish(_ completion: Completion) {
        stack.removeLast()
        guard let parent = stack.last else { return }
        switch parent {
        case .object(let node, let phase, var seen, let key):
            if phase == 1, case .key(let bytes) = completion {
                replaceTop(.object(node: node, phase: 2, seen: seen, key: String(decoding: bytes, as: UTF8.self)))
            } else if phase == 3 {
                seen.append(key)
                replaceTop(.object(node: node, phase: 4, seen: seen, key: ""))
            }
        case .array(let node, _):
            replaceTop(.array(node: node, phase: 2))
        case .fixed(let node, let field, _, _):
            replaceTop(.fixed(node: node, field: field + 1, phase: 0, matched: 0))
        case .toolCall(let node, let phase):
            if phase == 0, case .literal(let index) = completion, case .toolCall(_, let arguments) = graph.nodes[node] {
                replaceTop(.toolCall(node: node, phase: 1))
                stack.append(.value(node: arguments[index]))
            } else {
                replaceTop(.toolCall(node: node, phase: 2))
            }
        default: break
        }
    }

    private mutating func step(_ frame: Frame, _ byte: UInt8) -> StepResult {
        switch frame {
        case .value(let node): return startValue(node, byte)
        case .string(let state): return stepString(state, byte)
        case .number(let integer, let phase): return stepNumber(integer, phase, byte)
        case .slot(let phase, let value, let node): return stepSlot(phase, value, node, byte)
        case .pointer(let phase, let value, let first, let previous, let node):
            return stepPointer(phase, value, first, previous, node, byte)
        case .literal(let node, let alive, let matched):
            let options = graph.literalOptions(node)
            let next = alive.filter {
                Int($0) < options.count && options[Int($0)].count > matched && options[Int($0)][matched] == byte
            }
            if next.isEmpty {
                // A complete option followed by a byte that belongs to the parent (enum 1 vs 10).
                if let done = alive.first(where: { options[Int($0)].count == matched }) {
                    finish(.literal(Int(done)))
                    return .refeed
                }
                return .reject
            }
            if next.allSatisfy({ options[Int($0)].count == matched + 1 }) {
                finish(.literal(Int(next[0])))
                return .consumed
            }
            replaceTop(.literal(node: node, alive: next, matched: matched + 1))
            return .consumed
        case .object(let node, let phase, let seen, let key): return stepObject(node, phase, seen, key, byte)
        case .array(let node, let phase):
            guard case .array(let items) = graph.nodes[node] else { return .reject }
            switch phase {
            case 0:
                if byte == UInt8(ascii: "]") {
                    finish(.none)
                    return .consumed
                }
                replaceTop(.array(node: node, phase: 1))
                stack.append(.value(node: items))
                return .refeed
            case 2:
                if byte == UInt8(ascii: "]") {
                    finish(.none)
                    return .consumed
                }
                if byte == UInt8(ascii: ",") {
                    replaceTop(.array(node: node, phase: 1))
                    stack.append(.value(node: items))
                    return .consumed
                }
                return .reject
            default: return .reject
            }
        case .fixed(let node, let field, _, let matched):
            guard case .fixedObject(let fields) = graph.nodes[node] else { return .reject }
            if field == fields.count {
                guard byte == UInt8(ascii: "}") else { return .reject }
                finish(.none)
                return .consumed
            }
            let text = Array(((field == 0 ? "{" : ",") + "\"" + fields[field].key + "\":").utf8)
            guard byte == text[matched] else { return .reject }
            if matched + 1 == text.count {
                replaceTop(.fixed(node: node, field: field, phase: 1, matched: 0))
                stack.append(.value(node: fields[field].node))
            } else {
                replaceTop(.fixed(node: node, field: field, phase: 0, matched: matched + 1))
            }
            return .consumed
        case .toolCall(let node, let phase):
            if phase == 0 {
                stack.append(
                    .literal(node: node, alive: graph.literalOptions(node).indices.map { UInt16($0) }, matched: 0))
                return .refeed
            }
            guard phase == 2, byte == UInt8(ascii: "}") else { return .reject }
            finish(.none)
            return .consumed
        }
    }

    private mutating func startValue(_ node: Int, _ byte: UInt8) -> StepResult {
        let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        func slotOK() -> Bool { (slots > 0 || pointers > 0) && byte == UInt8(ascii: "<") }
        switch graph.nodes[node] {
        case .any:
            switch byte {
            case UInt8(ascii: "{"):
                replaceTop(.object(node: 0, phase: 0, seen: [], key: ""))
                return .consumed
            case UInt8(ascii: "["):
                replaceTop(.array(node: anyArrayNode, phase: 0))
                return .consumed
            case UInt8(ascii: "\""):
                replaceTop(.string(StringState(options: nil, isKey: false)))
                return .consumed
            case UInt8(ascii: "t"), UInt8(ascii: "f"):
                replaceTop(.literal(node: booleanNode, alive: [0, 1], matched: 0))
                return .refeed
            case UInt8(ascii: "n"):
                replaceTop(.literal(node: nullNode, alive: [0], matched: 0))
                return .refeed
            default:
                if isDigit || byte == UInt8(ascii: "-") {
                    replaceTop(.number(integer: false, phase: 0))
                    return .refeed
                }
                if slotOK() {
                    replaceTop(.slot(phase: 0, value: 0, node: -1))
                    return .refeed
                }
                return .reject
            }
        case .string(let options):
            if byte == UInt8(ascii: "\"") {
                replaceTop(.string(StringState(options: options, isKey: false)))
                return .consumed
            }
            if slotOK() {
                replaceTop(.slot(phase: 0, value: 0, node: node))
                return .refeed
            }
            return .reject
        case .number(let integer):
            if isDigit || byte == UInt8(ascii: "-") {
                replaceTop(.number(integer: integer, phase: 0))
                return .refeed
            }
            if slotOK() {
                replaceTop(.slot(phase: 0, value: 0, node: node))
                return .refeed
            }
            return .reject
        case .boolean, .null, .literals:
            if slotOK(), case .literals = graph.nodes[node] {
                replaceTop(.slot(phase: 0, value: 0, node: node))
                return .refeed
            }
            replaceTop(.literal(node: node, alive: graph.literalOptions(node).indices.map { UInt16($0) }, matched: 0))
            return .refeed
        case .object:
            guard byte == UInt8(ascii: "{") else { return .reject }
            replaceTop(.object(node: node, phase: 0, seen: [], key: ""))
            return .consumed
        case .array:
            guard byte == UInt8(ascii: "[") else { return .reject }
            replaceTop(.array(node: node, phase: 0))
            return .consumed
        case .anyOf(let options):
            for option in options {
                var trial = self
                trial.replaceTop(.value(node: option))
                if trial.feed(byte) {
                    self = trial
                    return .consumed
                }
            }
            return .reject
        case .fixedObject:
            replaceTop(.fixed(node: node, field: 0, phase: 0, matched: 0))
            return .refeed
        case .toolCall:
            replaceTop(.toolCall(node: node, phase: 0))
            return .refeed
        }
    }

    private var anyArrayNode: Int { graph.anyArray }
    private var booleanNode: Int { graph.boolean }
    private var nullNode: Int { graph.null }

    private mutating func stepObject(_ node: Int, _ phase: UInt8, _ seen: [String], _ key: String, _ byte: UInt8)
        -> StepResult
    {
        let properties: [String: Int]
        let required: Set<String>
        let closed: Bool
        if case .object(let p, let r, let c) = graph.nodes[node] {
            (properties, required, closed) = (p, r, c)
        } else {
            (properties, required, closed) = ([:], [], false)
        }
        func remainingKeys() -> [String] {
            let last = sortedKeys ? seen.last : nil
            // With sorted keys, a key may not skip a required key that sorts before it.
            return properties.keys.filter { name in
                !seen.contains(name) && (last.map { name > $0 } ?? true)
                    && (!sortedKeys || required.allSatisfy { $0 >= name || seen.contains($0) })
            }.sorted()
        }
        func canClose() -> Bool { required.isSubset(of: Set(seen)) }
        func canAddKey() -> Bool { !closed || !remainingKeys().isEmpty }
        switch phase {
        case 0, 4:
            if byte == UInt8(ascii: "}") {
                guard canClose() else { return .reject }
                finish(.none)
                return .consumed
            }
            if phase == 4 {
                guard byte == UInt8(ascii: ","), canAddKey() else { return .reject }
                replaceTop(.object(node: node, phase: 5, seen: seen, key: ""))
                return .consumed
            }
            fallthrough
        case 5:
            guard byte == UInt8(ascii: "\""), canAddKey() else { return .reject }
            replaceTop(.object(node: node, phase: 1, seen: seen, key: ""))
            let options = closed ? remainingKeys().map { JSONSchemaGraph.escapedInner($0) } : nil
            stack.append(.string(StringState(options: options, isKey: true)))
            return .consumed
        case 2:
            guard byte == UInt8(ascii: ":") else { return .reject }
            if !closed && seen.contains(key) { return .reject }
            replaceTop(.object(node: node, phase: 3, seen: seen, key: key))
            stack.append(.value(node: properties[key] ?? 0))
            return .consumed
        default:
            return .reject
        }
    }

    private mutating func stepString(_ state: StringState, _ byte: UInt8) -> StepResult {
        var s = state
        if s.continuation > 0 {
            guard byte & 0xC0 == 0x80 else { return .reject }
            s.continuation -= 1
        } else if s.escape == 1 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                s.escape = 0
            case UInt8(ascii: "u"): s.escape = 5
            default: return .reject
            }
        } else if s.escape >= 2 {
            let hex = (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 70) || (byte >= 97 && byte <= 102)
            guard hex else { return .reject }
            s.escape = s.escape == 2 ? 0 : s.escape - 1
        } else if byte == UInt8(ascii: "\"") {
            if let options = s.options, !options.contains(s.typed) { return .reject }
            finish(s.isKey ? .key(s.typed) : .none)
            return .consumed
        } else if byte == UInt8(ascii: "\\") {
            s.escape = 1
        } else if byte < 0x20 {
            return .reject
        } else if byte >= 0x80 {
            switch byte {
            case 0xC2...0xDF: s.continuation = 1
            case 0xE0...0xEF: s.continuation = 2
            case 0xF0...0xF4: s.continuation = 3
            default: return .reject
            }
        }
        if s.options != nil || s.isKey {
            s.typed.append(byte)
            if let options = s.options, !options.contains(where: { $0.starts(with: s.typed) }) { return .reject }
        }
        replaceTop(.string(s))
        return .consumed
    }

    /// JSON number phases: 0 start, 1 after "-", 2 after leading "0", 3 integer digits, 4 after ".",
    /// 5 fraction digits, 6 after "e", 7 after exponent sign, 8 exponent digits.
    private mutating func stepNumber(_ integer: Bool, _ phase: UInt8, _ byte: UInt8) -> StepResult {
        let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        var next: UInt8? = nil
        switch phase {
        case 0: next = byte == UInt8(ascii: "-") ? 1 : digit ? (byte == UInt8(ascii: "0") ? 2 : 3) : nil
        case 1: next = digit ? (byte == UInt8(ascii: "0") ? 2 : 3) : nil
        case 2, 3:
            if digit && phase == 3 {
                next = 3
            } else if !integer && byte == UInt8(ascii: ".") {
                next = 4
            } else if !integer && (byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")) {
                next = 6
            }
        case 4, 5:
            if digit {
                next = 5
            } else if phase == 5 && (byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")) {
                next = 6
            }
        case 6: next = digit ? 8 : (byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")) ? 7 : nil
        case 7, 8: next = digit ? 8 : nil
        default: break
        }
        if let next {
            replaceTop(.number(integer: integer, phase: next))
            return .consumed
        }
        guard Self.numberCanEnd(.number(integer: integer, phase: phase)) else { return .reject }
        finish(.none)
        return .refeed
    }

    /// `<S` digits `>` with a value below `slots` and no leading zeros.
    private mutating func stepSlot(_ phase: UInt8, _ value: Int, _ node: Int, _ byte: UInt8) -> StepResult {
        switch phase {
        case 0: guard byte == UInt8(ascii: "<") else { return .reject }
        case 1:
            if byte == UInt8(ascii: "W"), pointers > 0, pointerFits(node) {
                replaceTop(.pointer(phase: 2, value: 0, first: -1, previous: -1, node: node))
                return .consumed
            }
            guard byte == UInt8(ascii: "S") else { return .reject }
        default:
            if byte == UInt8(ascii: ">") {
                guard phase >= 3, value < slots, slotFits(value, node) else { return .reject }
                finish(.none)
                return .consumed
            }
            guard byte >= 48 && byte <= 57, !(phase == 3 && value == 0) else { return .reject }
            let next = value * 10 + Int(byte - 48)
            guard next < slots else { return .reject }
            replaceTop(.slot(phase: phase + 1, value: next, node: node))
            return .consumed
        }
        replaceTop(.slot(phase: phase + 1, value: value, node: node))
        return .consumed
    }
}
