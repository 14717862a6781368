import UnderstudyArchive

/// `chat.completion.chunk` events → one `chat.completion`, as the openai SDK's
/// `ChatCompletionStreamState` accumulates them: content and refusal concatenated, tool calls
/// merged by `index` with their `function.arguments` fragments concatenated.
///
/// Chunks are read from their bytes by `ChatChunkReader` when it can (nearly always), else
/// parsed whole; both ways end in the same state. Texts accumulate as UTF-8 bytes: every piece
/// is whole characters (a JSON string's content), so decoding once at the end gives what
/// concatenating the pieces' strings gave.
struct ChatCompletionsAssembler: Sendable {
    /// The chunk members kept once for the whole message, in `ChatChunkReader.Slot` order.
    private static let headNames = ["id", "created", "model", "service_tier", "system_fingerprint"]

    private struct Call: Sendable {
        var id: JSONValue = .null
        var type: JSONValue = "function"
        var name: [UInt8] = []
        var arguments: [UInt8] = []

        mutating func consume(_ callJSON: JSONValue) {
            if let id = callJSON["id"], !id.isNull { self.id = id }
            if let type = callJSON["type"], !type.isNull { self.type = type }
            if let function = callJSON["function"] {
                if let name = function["name"]?.stringValue { self.name.append(contentsOf: name.utf8) }
                if let args = function["arguments"]?.stringValue { arguments.append(contentsOf: args.utf8) }
            }
        }

        mutating func apply(_ call: ChatChunkReader.Call, _ bytes: UnsafeBufferPointer<UInt8>) {
            if let id = call.id { self.id = id }
            if let type = call.type { self.type = type }
            call.name?.append(from: bytes, to: &name)
            call.arguments?.append(from: bytes, to: &arguments)
        }
    }

    private struct Choice: Sendable {
        var role: JSONValue = "assistant"
        var content: [UInt8]?
        var refusal: [UInt8]?
        var calls: [Int: Call] = [:]
        var finishReason: JSONValue = .null

        mutating func consume(_ choiceJSON: JSONValue) {
            if let delta = choiceJSON["delta"] {
                if let role = delta["role"], !role.isNull { self.role = role }
                if let text = delta["content"]?.stringValue { content.appendStarting(text.utf8) }
                if let text = delta["refusal"]?.stringValue { refusal.appendStarting(text.utf8) }
                for (position, callJSON) in (delta["tool_calls"]?.arrayValue ?? []).enumerated() {
                    calls[callJSON["index"]?.intValue ?? position, default: Call()].consume(callJSON)
                }
            }
            if let finish = choiceJSON["finish_reason"], !finish.isNull { finishReason = finish }
        }

        mutating func apply(_ choice: ChatChunkReader.Choice, _ bytes: UnsafeBufferPointer<UInt8>) {
            if let role = choice.role { self.role = role }
            choice.content?.append(from: bytes, to: &content)
            choice.refusal?.append(from: bytes, to: &refusal)
            for call in choice.calls { calls[call.index, default: Call()].apply(call, bytes) }
            if let finish = choice.finishReason { finishReason = finish }
        }
    }

    private var head: [JSONMember] = []
    private var choices: [Int: Choice] = [:]
    private var usage: JSONValue?
    private var error: JSONValue?
    private var sawChunk = false
    /// The raw bytes of each head value last set from `ChatChunkReader`: every chunk repeats
    /// them, and equal bytes need no new value.
    private var headBytes: [[UInt8]?] = Array(repeating: nil, count: headNames.count)
    private var reader = ChatChunkReader()
    /// The last event data `reader` read: the next chunk is compared with it
    /// (`ChatChunkReader.read`'s `previous`). Kept as the event's string, not copied.
    private var lastChunk = ""

    /// How many chunks were read as a change of the previous chunk's text alone.
    var chunksReadAsChanges: Int { reader.changedReads }

    /// Consumes one event's data read from its bytes; false when it is not read here and must be
    /// parsed and passed to `consume(_:)` (nothing changed then).
    mutating func consume(data: String) -> Bool {
        var data = data
        var previous = lastChunk
        let read = data.withUTF8 { bytes in previous.withUTF8 { consume(data: bytes, previous: $0) } }
        if read { lastChunk = data }
        return read
    }

    private mutating func consume(
        data bytes: UnsafeBufferPointer<UInt8>, previous: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        guard reader.read(bytes, previous: previous) else { return false }
        sawChunk = true
        for (slot, range) in reader.head.enumerated() {
            guard let range else { continue }
            // Values are never empty, so both buffers have a base address.
            let raw = UnsafeBufferPointer(rebasing: bytes[range])
            if let known = headBytes[slot], known.count == raw.count,
                known.withUnsafeBufferPointer({ memcmp($0.baseAddress!, raw.baseAddress!, raw.count) == 0 })
            {
                continue
            }
            var cursor = JSONCursor(bytes, position: range.lowerBound)
            // Validated by the reader, so this parse does not fail; if it ever did (a stale
            // range), debug builds stop here and a release recorder keeps the value it had.
            guard let value = try? cursor.parseValue(depth: 1) else {
                assertionFailure("a head value the chunk reader validated does not parse")
                continue
            }
            head.set(Self.headNames[slot], value)
            headBytes[slot] = Array(raw)
        }
        if let usage = reader.usage { self.usage = usage }
        for choice in reader.choices { choices[choice.index, default: Choice()].apply(choice, bytes) }
        return true
    }

    mutating func consume(_ chunk: JSONValue) {
        if let error = chunk["error"] {
            self.error = error
            return
        }
        guard case .object = chunk else { return }
        sawChunk = true
        for (slot, key) in Self.headNames.enumerated() {
            if let value = chunk[key], !value.isNull {
                head.set(key, value)
                headBytes[slot] = nil
            }
        }
        if let usage = chunk["usage"], !usage.isNull { self.usage = usage }
        for choiceJSON in chunk["choices"]?.arrayValue ?? [] {
            // Mutated in place in the dictionary: a copy taken out and stored back made every
            // content delta copy the whole text so far (one stream's content grew quadratically).
            choices[choiceJSON["index"]?.intValue ?? 0, default: Choice()].consume(choiceJSON)
        }
    }

    var assembled: JSONValue? {
        if !sawChunk, let error { return ["error": error] }
        guard sawChunk else { return nil }
        var members: [JSONMember] = []
        members.append(JSONMember("id", head["id"] ?? .null))
        members.append(JSONMember("object", "chat.completion"))
        members.append(JSONMember("created", head["created"] ?? .null))
        members.append(JSONMember("model", head["model"] ?? .null))
        let rendered: [JSONValue] = choices.keys.sorted().map { index in
            let choice = choices[index]!
            var message: [JSONMember] = [
                JSONMember("role", choice.role),
                JSONMember("content", choice.content.map { .string(String(decoding: $0, as: UTF8.self)) } ?? .null),
            ]
            if let refusal = choice.refusal {
                message.append(JSONMember("refusal", .string(String(decoding: refusal, as: UTF8.self))))
            }
            if !choice.calls.isEmpty {
                let calls: [JSONValue] = choice.calls.keys.sorted().map { callIndex in
                    let call = choice.calls[callIndex]!
                    return [
                        "id": call.id, "type": call.type,
                        "function": [
                            "name": .string(String(decoding: call.name, as: UTF8.self)),
                            "arguments": .string(String(decoding: call.arguments, as: UTF8.self)),
                        ],
                    ]
                }
                message.append(JSONMember("tool_calls", .array(calls)))
            }
            return [
                "index": .int(index), "message": .object(message), "logprobs": .null,
                "finish_reason": choice.finishReason,
            ]
        }
        members.append(JSONMember("choices", .array(rendered)))
        if let usage { members.append(JSONMember("usage", usage)) }
        for key in ["service_tier", "system_fingerprint"] {
            if let value = head[key] { members.append(JSONMember(key, value)) }
        }
        if let error { members.append(JSONMember("error", error)) }
        return .object(members)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
