import Foundation
import UnderstudyInference

/// One line of a trainer split (docs/formats.md) as `Specialist.answer` takes it: the messages,
/// the request's own tools and their descriptions when the line has them.
struct SplitRequest {
    var messages: [PromptRenderer.Message]
    var tools: [PromptRenderer.Tool]?
    var toolDescriptions: [String?]?
    /// The line's `target` (the recorded answer).
    var target: OrderedJSON

    /// The first `limit` lines of a split; nil for a line without messages or target, which every
    /// command skips (so `embed-requests` skips a line with tools but no target too).
    static func read(_ split: URL, limit: Int) throws -> [SplitRequest?] {
        try String(contentsOf: split, encoding: .utf8).split(separator: "\n").prefix(limit).map { line in
            let row = try OrderedJSON.parse(String(line))
            guard case .array(let messages)? = row["messages"], let target = row["target"] else { return nil }
            var request = SplitRequest(messages: messages.map(PromptRenderer.Message.init(json:)), target: target)
            if case .array(let list)? = row["tools"] {
                request.toolDescriptions = list.map {
                    if case .string(let text)? = $0["description"] { text } else { nil }
                }
                request.tools = list.map { tool in
                    if case .string(let name)? = tool["name"] { return (name, tool["parameters"]) }
                    return ("", tool["parameters"])
                }
            }
            return request
        }
    }
}
