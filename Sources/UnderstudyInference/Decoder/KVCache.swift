/// The keys and values of the positions a decoder has seen, per layer, so each new token costs
/// one position of work. Owned by one generation; not shared between threads.
public struct KVCache: Sendable {
    /// Positions cached so far.
    public private(set) var count = 0
    let width: Int
    var keys: [[Float]]
    var values: [[Float]]
    private var capacity: Int
    /// Model option `pointer_head`: the prompt position of each pointer token (−1: absent) and
    /// its final hidden state (PointerHead.swift); empty for other models.
    var pointerPositions: [Int] = []
    var pointerKeys: [Float] = []
    /// The latest pointer fed after the prompt (−1: none yet).
    var lastPointer = -1

    /// An empty cache for `layers` layers of `width` = kv heads × head dimension.
    public init(layers: Int, width: Int, capacity: Int = 256) {
        self.width = width
        self.capacity = max(capacity, 1)
        keys = Array(repeating: [Float](repeating: 0, count: self.capacity * width), count: layers)
        values = keys
    }

    /// Makes room for `more` positions beyond `count`, doubling the buffers when needed.
    mutating func reserve(_ more: Int) {
        guard count + more > capacity else { return }
        var newCapacity = capacity
        while count + more > newCapacity { newCapacity *= 2 }
        let extra = (newCapacity - capacity) * width
        for layer in keys.indices {
            keys[layer].append(contentsOf: repeatElement(0, count: extra))
            values[layer].append(contentsOf: repeatElement(0, count: extra))
        }
        capacity = newCapacity
    }

    /// Marks `added` positions (already written by the layers) as cached.
    mutating func advance(by added: Int) { count += added }

    /// Forgets everything (the buffers are kept for reuse).
    public mutating func reset() {
        count = 0
        pointerPositions = []
        lastPointer = -1
    }
}
