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
            let namespaces = candidates.map {
                exact[$0][0].api + "\u{0}" + (exact[$0][0].model ?? "") + "\u{0}" + exact[$0][0].canonical.prefixHash
            }
            let pairs = finder.pairs(texts: texts, namespaces: namespaces)
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
