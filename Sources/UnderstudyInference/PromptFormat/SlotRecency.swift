/// Prompt feature `recent_slots` (distill/trainer/slot_order.py, PROMPT_FORMAT.md "Prompt
/// features"): slots numbered by recency, so the values a multi-turn answer needs (the ones the
/// user or the last tool result just wrote) are the lowest slots whatever the conversation's length.
/// Slots are ordered by the position of their last slot token in the prompt text, latest first;
/// slots whose token never appears follow in their old order. Every `<Sk>` of the text and head is
/// renumbered and the slot table permuted alike.
///
/// ```swift
/// let prompt = SlotRecency.renumbered(try PromptRenderer.renderPrompt(messages))
/// // "<|bos|><|user|>Send <S1> to <S0><|answer|>" for "Send 'hi' to USR002"
/// ```
public enum SlotRecency {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "recent_slots"

    /// Each slot token of `text`: its byte range and number.
    static func slotTokens(_ text: String) -> [(range: Range<Int>, number: Int)] {
        let bytes = Array(text.utf8)
        var found: [(Range<Int>, Int)] = []
        var i = 0
        while i + 3 < bytes.count {
            guard bytes[i] == UInt8(ascii: "<"), bytes[i + 1] == UInt8(ascii: "S") else {
                i += 1
                continue
            }
            var j = i + 2
            var number = 0
            while j < bytes.count, bytes[j] >= 48, bytes[j] <= 57, j - i < 8 {
                number = number * 10 + Int(bytes[j] - 48)
                j += 1
            }
            if j > i + 2, j < bytes.count, bytes[j] == UInt8(ascii: ">") {
                found.append((i..<(j + 1), number))
                i = j + 1
            } else {
                i += 1
            }
        }
        return found
    }

    /// Old slot numbers in their new order (new number = position).
    static func order(_ text: String, count: Int) -> [Int] {
        var last: [Int: Int] = [:]
        for token in slotTokens(text) { last[token.number] = token.range.lowerBound }
        return (0..<count).sorted { a, b in
            switch (last[a], last[b]) {
            case (let x?, let y?): return x > y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a < b
            }
        }
    }

    static func rewrite(_ text: String, _ newNumber: [Int: Int]) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var position = 0
        for token in slotTokens(text) {
            out += bytes[position..<token.range.lowerBound]
            out += Array("<S\(newNumber[token.number] ?? token.number)>".utf8)
            position = token.range.upperBound
        }
        out += bytes[position...]
        return String(decoding: out, as: UTF8.self)
    }

    /// The prompt with its slots renumbered by recency.
    public static func renumbered(_ prompt: PromptRenderer.Prompt) -> PromptRenderer.Prompt {
        renumbered(prompt, order: order(prompt.text, count: prompt.slots.slots.count))
    }

    /// The prompt with slot `order[k]` renumbered `<Sk>` in its text, head and table.
    static func renumbered(_ prompt: PromptRenderer.Prompt, order: [Int]) -> PromptRenderer.Prompt {
        let newNumber = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($0.element, $0.offset) })
        var result = prompt
        result.text = rewrite(prompt.text, newNumber)
        result.head = rewrite(prompt.head, newNumber)
        result.slots = prompt.slots.reordered(order)
        return result
    }
}
