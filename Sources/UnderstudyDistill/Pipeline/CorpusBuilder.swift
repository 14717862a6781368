import UnderstudyArchive
import UnderstudyWire

/// Builds the anonymized corpus entry of a duplicate group.
struct CorpusBuilder {
    let anonymizer: Anonymizer
    let variants: Int

    func entry(for group: DuplicateGroup, variant: Int, scope: inout PseudonymScope) -> CorpusEntry {
        let rep = group.representative
        let canonical = rep.canonical
        // Distinct responses of the group with their counts; the representative's is `response`.
        var responseCounts: [String: (CanonicalResponse, Int)] = [:]
        var order: [String] = []
        for member in group.members {
            guard let response = member.canonical.response else { continue }
            let key = response.json.canonicalized().serialized()
            if let existing = responseCounts[key] {
                responseCounts[key] = (existing.0, existing.1 + 1)
            } else {
                responseCounts[key] = (response, 1)
                order.append(key)
            }
        }
        let ownKey = canonical.response.map { $0.json.canonicalized().serialized() }
        let alternatives = order.filter { $0 != ownKey }.map { responseCounts[$0]! }.sorted { $0.1 > $1.1 }

        var entry = CorpusEntry(
            id: variant == 0 ? rep.id : "\(rep.id)~\(variant)", conversation: rep.conversation, provider: rep.provider,
            api: rep.api, model: rep.model, stream: rep.stream,
            prefix: anonymize(canonical.prefix, &scope), prefixHash: canonical.prefixHash,
            varying: canonical.messages.map { anonymize($0, &scope) },
            response: canonical.response.map { anonymize($0, &scope) },
            alternatives: alternatives.map { CorpusEntry.Alternative(response: anonymize($0.0, &scope), count: $0.1) },
            usage: rep.usage, firstByteMs: rep.firstByteMs, latencyMs: rep.latencyMs, status: rep.status,
            startMicros: rep.startMicros, count: group.count, costUSD: group.costUSD,
            exactDuplicates: group.exactDuplicates, nearDuplicates: group.nearDuplicates, trainable: rep.trainable,
            capped: rep.capped, variant: variant)
        // Wire bodies hold the same values again: same scope (same surrogates), but counted once,
        // except for raw entries, whose bodies are all there is.
        let counted = scope.counts
        entry.requestBody = anonymizer.anonymize(rep.requestBody, scope: &scope)
        entry.responseBody = rep.responseBody.map { anonymizer.anonymize($0, scope: &scope) }
        if rep.trainable { scope.counts = counted }
        return entry
    }

    func anonymize(_ prefix: CanonicalPrefix, _ scope: inout PseudonymScope) -> CanonicalPrefix {
        CanonicalPrefix(
            system: prefix.system.map { anonymizer.anonymize(text: $0, field: "system", scope: &scope) },
            tools: prefix.tools.map {
                ToolSpec(
                    name: $0.name,
                    description: $0.description.map {
                        anonymizer.anonymize(text: $0, field: "description", scope: &scope)
                    },
                    parameters: anonymizer.anonymize($0.parameters, scope: &scope))
            })
    }

    func anonymize(_ message: CanonicalMessage, _ scope: inout PseudonymScope) -> CanonicalMessage {
        CanonicalMessage(
            role: message.role, content: message.content.map { anonymizer.anonymize(text: $0, scope: &scope) },
            toolCalls: message.toolCalls.map { anonymize($0, &scope) }, toolCallID: message.toolCallID)
    }

    func anonymize(_ response: CanonicalResponse, _ scope: inout PseudonymScope) -> CanonicalResponse {
        CanonicalResponse(
            content: response.content.map { anonymizer.anonymize(text: $0, scope: &scope) },
            toolCalls: response.toolCalls.map { anonymize($0, &scope) })
    }

    func anonymize(_ call: ToolCall, _ scope: inout PseudonymScope) -> ToolCall {
        ToolCall(name: call.name, arguments: anonymizer.anonymize(call.arguments, scope: &scope))
    }
}
