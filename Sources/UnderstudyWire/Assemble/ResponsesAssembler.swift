import UnderstudyArchive

/// Responses API events → the final `response` object. The terminal event
/// (`response.completed`, `.incomplete` or `.failed`) carries the whole response and wins;
/// a stream cut before it is assembled from `response.created` plus the output items, text
/// deltas and function-call argument deltas seen so far.
struct ResponsesAssembler: Sendable {
    private var base: JSONValue?
    private var final: JSONValue?
    private var items: [Int: JSONValue] = [:]
    /// Text per (output index, content index) while an item is still open.
    private var texts: [Int: [Int: String]] = [:]
    private var arguments: [Int: String] = [:]
    private var error: JSONValue?

    mutating func consume(_ event: JSONValue) {
        guard let type = event["type"]?.stringValue else { return }
        let outputIndex = event["output_index"]?.intValue ?? 0
        switch type {
        case "response.created", "response.in_progress", "response.queued":
            if let response = event["response"] { base = response }
        case "response.completed", "response.incomplete", "response.failed":
            if let response = event["response"] { final = response }
        case "response.output_item.added", "response.output_item.done":
            if let item = event["item"] { items[outputIndex] = item }
            if type.hasSuffix(".done") {
                texts[outputIndex] = nil
                arguments[outputIndex] = nil
            }
        case "response.output_text.delta":
            let contentIndex = event["content_index"]?.intValue ?? 0
            texts[outputIndex, default: [:]][contentIndex, default: ""] += event["delta"]?.stringValue ?? ""
        case "response.function_call_arguments.delta":
            arguments[outputIndex, default: ""] += event["delta"]?.stringValue ?? ""
        case "error":
            error = event
        default:
            break
        }
    }

    var assembled: JSONValue? {
        if let final { return final }
        guard var response = base else { return error }
        let output: [JSONValue] = items.keys.sorted().map { index in
            var item = items[index]!
            if let args = arguments[index] { item.set("arguments", .string(args)) }
            if let parts = texts[index] {
                var content = item["content"]?.arrayValue ?? []
                for contentIndex in parts.keys.sorted() {
                    let part: JSONValue = [
                        "type": "output_text", "annotations": [], "text": .string(parts[contentIndex]!),
                    ]
                    if contentIndex < content.count { content[contentIndex] = part } else { content.append(part) }
                }
                item.set("content", .array(content))
            }
            return item
        }
        response.set("output", .array(output))
        if let error { response.set("error", error) }
        return response
    }
}
