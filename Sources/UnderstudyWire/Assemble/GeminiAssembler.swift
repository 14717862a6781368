import UnderstudyArchive

/// Gemini stream chunks → one `GenerateContentResponse`: candidates merged by index, adjacent
/// text parts joined (thought text apart from answer text), other parts (functionCall …)
/// appended; the last chunk's finishReason, usageMetadata, modelVersion and responseId.
struct GeminiAssembler: Sendable {
    private struct Candidate: Sendable {
        var parts: [JSONValue] = []
        var role: JSONValue = "model"
        var extra: [JSONMember] = []
    }

    private var candidates: [Int: Candidate] = [:]
    private var top: [JSONMember] = []
    private var sawChunk = false

    mutating func consume(_ chunk: JSONValue) {
        // A JSON-array stream handed over whole.
        if let array = chunk.arrayValue {
            for element in array { consume(element) }
            return
        }
        guard let members = chunk.objectValue else { return }
        sawChunk = true
        for member in members where member.key != "candidates" { top.set(member.key, member.value) }
        for (position, candidateJSON) in (chunk["candidates"]?.arrayValue ?? []).enumerated() {
            let index = candidateJSON["index"]?.intValue ?? position
            var candidate = candidates[index] ?? Candidate()
            if let role = candidateJSON["content"]?["role"] { candidate.role = role }
            for part in candidateJSON["content"]?["parts"]?.arrayValue ?? [] {
                if let text = part["text"]?.stringValue, let last = candidate.parts.last,
                    let lastText = last["text"]?.stringValue, last["thought"] == part["thought"],
                    part.objectValue?.count == last.objectValue?.count
                {
                    var merged = last
                    merged.set("text", .string(lastText + text))
                    candidate.parts[candidate.parts.count - 1] = merged
                } else {
                    candidate.parts.append(part)
                }
            }
            for member in candidateJSON.objectValue ?? [] where member.key != "content" {
                candidate.extra.set(member.key, member.value)
            }
            candidates[index] = candidate
        }
    }

    var assembled: JSONValue? {
        guard sawChunk else { return nil }
        let merged: [JSONValue] = candidates.keys.sorted().map { index in
            let candidate = candidates[index]!
            var members = [JSONMember("content", ["parts": .array(candidate.parts), "role": candidate.role])]
            members += candidate.extra
            return .object(members)
        }
        return .object([JSONMember("candidates", .array(merged))] + top)
    }
}
