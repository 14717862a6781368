import UnderstudyArchive
import UnderstudyWire

/// One deduplicated group: the representative call and what it stands for.
struct DuplicateGroup {
    var representative: NormalizedExchange
    var members: [NormalizedExchange]
    var exactDuplicates: Int
    var nearDuplicates: Int
    /// The request target of the representative (kept in the corpus envelope).
    var target: String { representative.path }
    var count: Int { members.count }
    var costUSD: Double { members.reduce(0) { $0 + $1.costUSD } }
}

/// Groups normalized calls: exact duplicates first (same `RequestFingerprint`), then near
/// duplicates among the exact groups' representatives, within one API, model and prefix hash.
struct DuplicateGrouper {
    let configuration: DedupConfiguration

    func group(_ calls: [NormalizedExchange]) -> [DuplicateGroup] {
        // Exact.
        var exactIndex: [String: Int] = [:]
        var exact: [[NormalizedExchange]] = []
        for call in calls {
            let key =
                (call.trainable ? "" : "raw\u{0}") + call.provider + "\u{0}"
                + RequestFingerprint.hash(body: call.requestBody, api: call.api, model: call.model)
            if let i = exactIndex[key] {
                exact[i].append(call)
            } else {
                exactIndex[key] = exact.count
                exact.append([call])
            }
        }
        // Near, over trainable exact-group representatives.
        var components: [[Int]] = exact.indices.map { [$0] }
        if configuration.nearDuplicates {
            let candidates = exact.indices.filter { exact[$0][0].trainable }
            let finder = NearDuplicateFinder(configuration: configuration)
            let texts = candidates.map { Self.varyingText(exact[$0][0].canonical) }
            // Near duplicates must be at the same depth of a conversation and end with the same
            // kind of message: turn 5 re-sends turns 1–4, so over a long history it looks like
            // turn 4 at any shingle threshold, yet it is a new request with a new answer.
            let namespaces = candidates.map {
                let call = exact[$0][0]
                return call.api + "\u{0}" + (call.model ?? "") + "\u{0}" + call.canonical.prefixHash + "\u{0}"
                    + String(call.canonical.messages.count) + (call.canonical.messages.last?.role.rawValue ?? "")
            }
            // …and the new message itself must be near-identical, not just the history around it.
            let lastMessages = candidates.map { finder.shingles(Self.lastMessageText(exact[$0][0].canonical)) }
            let pairs = finder.pairs(texts: texts, namespaces: namespaces).filter { a, b in
                Shingler.jaccard(lastMessages[a], lastMessages[b]) >= configuration.threshold
            }
            let local = NearDuplicateFinder.groups(count: candidates.count, pairs: pairs)
            var grouped = Set<Int>()
            components = []
            for component in local {
                components.append(component.map { candidates[$0] })
                grouped.formUnion(component.map { candidates[$0] })
            }
            components += exact.indices.filter { !grouped.contains($0) }.map { [$0] }
            components.sort { exact[$0[0]][0].startMicros < exact[$1[0]][0].startMicros }
        }
        return components.map { component in
            let sorted = component.sorted { exact[$0][0].startMicros < exact[$1][0].startMicros }
            let members = sorted.flatMap { exact[$0] }
            let exactDuplicates = sorted.reduce(0) { $0 + exact[$1].count - 1 }
            let nearDuplicates = sorted.dropFirst().reduce(0) { $0 + exact[$1].count }
            return DuplicateGroup(
                representative: exact[sorted[0]][0], members: members, exactDuplicates: exactDuplicates,
                nearDuplicates: nearDuplicates)
        }
    }

    /// The last message of the varying part (the request's new turn) as text.
    static func lastMessageText(_ canonical: CanonicalExchange) -> String {
        guard let message = canonical.messages.last else { return "" }
        return ([message.content ?? ""] + message.toolCalls.map { $0.name + " " + $0.arguments.serialized() })
            .joined(separator: "\n")
    }

    /// The varying part as plain text for shingling: each message's role, text and tool calls.
    static func varyingText(_ canonical: CanonicalExchange) -> String {
        var parts: [String] = []
        for message in canonical.messages {
            parts.append(message.role.rawValue)
            if let content = message.content { parts.append(content) }
            for call in message.toolCalls { parts.append(call.name + " " + call.arguments.serialized()) }
        }
        return parts.joined(separator: "\n")
    }
}
