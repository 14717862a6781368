import Crypto

/// Deterministic train/validation/test assignment by conversation: every turn of a
/// conversation lands in the same split, so a model is never tested on a conversation whose
/// earlier turns it trained on. The split depends only on the conversation id and the seed, so
/// adding traffic later does not move existing conversations.
public struct ConversationSplit: Sendable {
    public enum Part: String, Sendable, CaseIterable {
        case train, val, test
    }

    public var validationShare: Double
    public var testShare: Double
    public var seed: String

    public init(validationShare: Double = 0.1, testShare: Double = 0.15, seed: String = "understudy-split-v1") {
        self.validationShare = validationShare
        self.testShare = testShare
        self.seed = seed
    }

    /// A stable number in [0, 1) for a conversation.
    public func position(of conversation: String) -> Double {
        let digest = SHA256.hash(data: Array((seed + "\u{0}" + conversation).utf8))
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Double(value >> 11) / Double(UInt64(1) << 53)
    }

    public func part(of conversation: String) -> Part {
        let p = position(of: conversation)
        if p < testShare { return .test }
        if p < testShare + validationShare { return .val }
        return .train
    }

    /// Assigns each conversation of a cluster. With three or more conversations, validation and
    /// test each get at least one (the conversations nearest their ranges), so small clusters can
    /// still be early-stopped and measured.
    public func assign(_ conversations: Set<String>) -> [String: Part] {
        var result: [String: Part] = [:]
        for c in conversations { result[c] = part(of: c) }
        guard conversations.count >= 3 else { return result }
        let ordered = conversations.sorted { position(of: $0) < position(of: $1) }
        if !result.values.contains(.test) { result[ordered[0]] = .test }
        if !result.values.contains(.val), let candidate = ordered.first(where: { result[$0] == .train }) {
            result[candidate] = .val
        }
        return result
    }
}
