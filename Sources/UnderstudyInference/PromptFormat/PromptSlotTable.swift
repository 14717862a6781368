/// The value slots of one prompt (PROMPT_FORMAT.md, "Value slots"): texts in order of first
/// appearance, at most `limit`, each `number` or `string`; in v2 some hold the request's tool names.
public struct PromptSlotTable: Sendable, Equatable {
    /// One slot.
    public struct Slot: Sendable, Equatable {
        public var text: String
        /// "number" when the text is `-?[0-9]+(\.[0-9]+)?`, else "string".
        public var kind: String
        /// v2: the name of one of the request's tools (an answer may name the tool by this slot).
        public var isToolName: Bool
        /// v3: a parameter name of one of the request's tools (an answer's argument key may be it).
        public var isKey: Bool

        public init(text: String, kind: String, isToolName: Bool = false, isKey: Bool = false) {
            self.text = text
            self.kind = kind
            self.isToolName = isToolName
            self.isKey = isKey
        }
    }

    public private(set) var slots: [Slot] = []
    /// The texts added as values (the messages' text and leaves, enum values), not only as names:
    /// slots are shared by text, so a tool-name or parameter-name slot may be a value too.
    public private(set) var valueTexts: Set<String> = []
    /// v3: each listed tool's top-level parameter names in schema order (answers write them so).
    public var toolKeys: [String: [String]] = [:]
    /// Prompt feature `question_spans`: the user text's pointed-at units; nil without the feature.
    public var units: QuestionSpans?
    /// Prompt feature `tag_slots`: `#word` and `@word` of free text are slots too.
    public var tags = false
    public let limit: Int
    static let maxCharacters = 100

    public init(limit: Int = 64) { self.limit = limit }

    /// The slot of `text`: an existing one with the same text, else a new one when there is
    /// room and the text is 1–100 code points; nil otherwise.
    mutating func add(_ text: String, kind: String, toolName: Bool = false, key: Bool = false) -> Int? {
        if !toolName && !key { valueTexts.insert(text) }
        if let index = slots.firstIndex(where: { $0.text == text }) {
            if toolName { slots[index].isToolName = true }
            if key { slots[index].isKey = true }
            return index
        }
        let length = text.unicodeScalars.count
        guard slots.count < limit, length > 0, length <= Self.maxCharacters else { return nil }
        slots.append(Slot(text: text, kind: kind, isToolName: toolName, isKey: key))
        return slots.count - 1
    }

    /// The same slots in another order, `order[new] == old` (prompt feature `recent_slots`).
    func reordered(_ order: [Int]) -> PromptSlotTable {
        var table = self
        table.slots = order.map { slots[$0] }
        return table
    }

    /// The slots that are a listed tool's name or parameter name and never a value (`valueTexts`):
    /// an answer's argument value may not copy them (`JSONAutomaton.nameSlots`).
    public var nameOnlySlots: Set<Int> {
        Set(slots.indices.filter { (slots[$0].isToolName || slots[$0].isKey) && !valueTexts.contains(slots[$0].text) })
    }

    /// The slot holding tool name `name` (v2), if it got one.
    func findName(_ name: String) -> Int? { slots.firstIndex { $0.isToolName && $0.text == name } }

    /// The slot holding parameter name `key` (v3), if it got one.
    func findKey(_ key: String) -> Int? { slots.firstIndex { $0.isKey && $0.text == key } }

    /// The slot an answer leaf matches: a string by equal text, a number by equal value.
    func find(_ value: OrderedJSON) -> Int? {
        switch value {
        case .string(let s): return slots.firstIndex { $0.text == s }
        case .number(let text):
            let v = Double(text)
            return slots.firstIndex { Self.isNumberText($0.text) && Double($0.text) == v }
        default: return nil
        }
    }

    static func isNumberText(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 >= 48 && $0 <= 57 } }
    }
}
