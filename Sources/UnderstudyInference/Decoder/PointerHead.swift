import Foundation

/// Model option `pointer_head` (`understudy_pointer_head` in config.json; distill/trainer/pointer.py):
/// the logit of a pointer token `<Wk>` (prompt feature `question_spans`) is computed from content,
/// not read from a fixed row of the output head:
///
///     logit(<Wk>) at position t = gate · h_t + bias + (P h_t) · h_pos(k) / √d + r(k, last)
///
/// h is the final (normed) hidden state and pos(k) the position of `<Wk>` in the prompt (the first
/// forward of a cache); r is a learned bias by place in the question: `after[k − last]` (offset
/// clamped to −16…32) where `last` is the latest pointer written after the prompt, `start[min(k, 63)]`
/// before the first. A pointer the prompt lacks, or that stands after t, gets `absent`, the
/// trainer's finite stand-in for −∞ (constrained decoding never allows such a pointer anyway).
struct PointerHead: Sendable {
    /// The logit of a pointer that cannot be copied here (pointer.py ABSENT).
    static let absent: Float = -1e4
    static let behind = 16
    static let ahead = 32
    static let starts = 64

    let firstID: Int
    let count: Int
    /// P, hidden × hidden, PyTorch layout.
    let projection: Linear
    let gate: [Float]
    let gateBias: Float
    let after: [Float]
    let start: [Float]

    init(store: TensorStore, option: LlamaConfiguration.PointerHeadOption, hidden: Int) throws {
        firstID = option.firstID
        count = option.count
        projection = try store.linear("pointer_head.proj", inputs: hidden, outputs: hidden, bias: false)
        gate = try store.tensor("pointer_head.gate.weight", shape: [1, hidden])
        gateBias = try store.tensor("pointer_head.gate.bias", shape: [1])[0]
        after = try store.tensor("pointer_head.after", shape: [Self.behind + Self.ahead + 1])
        start = try store.tensor("pointer_head.start", shape: [Self.starts])
    }

    /// The pointer index of `token`, nil for other tokens.
    func index(of token: Int32) -> Int? {
        let k = Int(token) - firstID
        return k >= 0 && k < count ? k : nil
    }

    /// Records the states of the pointer tokens among `tokens` (at positions `start…`) as keys.
    /// `states` holds the final normed hidden state of every token, one row each.
    func register(_ tokens: [Int32], states: Matrix, start: Int, cache: inout KVCache) {
        if cache.pointerPositions.count != count {
            cache.pointerPositions = [Int](repeating: -1, count: count)
            cache.pointerKeys = [Float](repeating: 0, count: count * states.columns)
        }
        let h = states.columns
        for (row, token) in tokens.enumerated() {
            let k = Int(token) - firstID
            guard k >= 0, k < count, cache.pointerPositions[k] < 0 else { continue }
            cache.pointerPositions[k] = start + row
            cache.pointerKeys.replaceSubrange(k * h..<(k + 1) * h, with: states.row(row))
        }
    }

    /// Overwrites the pointer columns of each row of `logits`; row r is the query `states` row r
    /// at sequence position `positions[r]`, after the answer's pointer `lasts[r]` (−1: none yet).
    func apply(states: Matrix, positions: [Int], lasts: [Int], cache: KVCache, logits: inout Matrix) {
        let h = states.columns
        let vocabulary = logits.columns
        let projected = projection(states)
        let scale = 1 / Float(h).squareRoot()
        let known = cache.pointerPositions.count == count
        logits.storage.withUnsafeMutableBufferPointer { out in
            for (row, position) in positions.enumerated() {
                let query = projected.row(row)
                let state = states.row(row)
                var gated = gateBias
                for i in 0..<h { gated += gate[i] * state[i] }
                let target = out.baseAddress! + row * vocabulary + firstID
                let last = lasts[row]
                for k in 0..<count {
                    guard known, cache.pointerPositions[k] >= 0, cache.pointerPositions[k] <= position else {
                        target[k] = Self.absent
                        continue
                    }
                    var dot: Float = 0
                    cache.pointerKeys.withUnsafeBufferPointer { keys in
                        let key = keys.baseAddress! + k * h
                        for i in 0..<h { dot += query[i] * key[i] }
                    }
                    let place =
                        last >= 0
                        ? after[min(max(k - last, -Self.behind), Self.ahead) + Self.behind]
                        : start[min(k, Self.starts - 1)]
                    target[k] = dot * scale + gated + place
                }
            }
        }
    }
}
