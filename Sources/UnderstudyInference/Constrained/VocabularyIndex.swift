import Foundation

/// The vocabulary as a byte trie, so the tokens an automaton state allows are found by one
/// walk that shares work across tokens with common prefixes and prunes a whole subtree at the
/// first rejected byte. Masks are cached per automaton state (states recur: every free-text
/// string position looks the same), so repeated states cost one dictionary lookup.
///
/// ```swift
/// let index = VocabularyIndex(tokenizer: tokenizer)
/// let allowed = index.allowedTokens(after: automaton)
/// ```
public final class VocabularyIndex: @unchecked Sendable {
    private var children: [[(byte: UInt8, node: Int32)]] = [[]]
    private var tokensAt: [[Int32]] = [[]]
    /// Number of token ids (the logits' length).
    public let size: Int
    private let lock = NSLock()
    private var cache: [JSONAutomaton: [Int32]] = [:]
    private let cacheLimit = 20_000

    /// Indexes every token's bytes; special tokens (role markers, BOS/EOS, pad) are left out, so
    /// constrained text never contains them. Added non-special tokens (call heads) and slot
    /// tokens are kept.
    public convenience init(tokenizer: BPETokenizer) {
        var entries: [(Int32, [UInt8])] = []
        for id in 0..<Int32(tokenizer.count) {
            if let added = tokenizer.addedTokens[id], added.special, !Self.isSlot(added.content) { continue }
            entries.append((id, tokenizer.bytes(of: id)))
        }
        self.init(size: tokenizer.count, tokens: entries)
    }

    private var bytesByID: [Int32: [UInt8]] = [:]

    /// The bytes of an indexed token (empty for tokens left out).
    public func bytes(of id: Int32) -> [UInt8] { bytesByID[id] ?? [] }

    /// Indexes explicit `(id, bytes)` pairs.
    public init(size: Int, tokens: [(Int32, [UInt8])]) {
        self.size = size
        for (id, bytes) in tokens { bytesByID[id] = bytes }
        for (id, bytes) in tokens where !bytes.isEmpty {
            var node = 0
            for byte in bytes {
                if let child = children[node].first(where: { $0.byte == byte }) {
                    node = Int(child.node)
                } else {
                    children.append([])
                    tokensAt.append([])
                    children[node].append((byte, Int32(children.count - 1)))
                    node = children.count - 1
                }
            }
            tokensAt[node].append(id)
        }
    }

    /// A value slot `<Sk>` or a pointer `<Wk>` (prompt feature `question_spans`).
    static func isSlot(_ text: String) -> Bool {
        (text.hasPrefix("<S") || text.hasPrefix("<W")) && text.hasSuffix(">") && text.dropFirst(2).dropLast().allSatisfy(\.isNumber)
            && text.count > 3
    }

    /// The ids whose bytes the automaton accepts from its current state, ascending.
    public func allowedTokens(after automaton: JSONAutomaton) -> [Int32] {
        lock.lock()
        if let hit = cache[automaton] {
            lock.unlock()
            return hit
        }
        lock.unlock()
        var allowed: [Int32] = []
        var stack: [(node: Int, state: JSONAutomaton)] = [(0, automaton)]
        while let (node, state) = stack.popLast() {
            for child in children[node] {
                var next = state
                guard next.feed(child.byte) else { continue }
                let index = Int(child.node)
                allowed.append(contentsOf: tokensAt[index])
                if !children[index].isEmpty { stack.append((index, next)) }
            }
        }
        allowed.sort()
        lock.lock()
        if cache.count >= cacheLimit { cache.removeAll(keepingCapacity: true) }
        cache[automaton] = allowed
        lock.unlock()
        return allowed
    }
}
