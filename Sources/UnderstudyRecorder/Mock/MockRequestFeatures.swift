import UnderstudyArchive
import UnderstudyWire

/// What a script matcher looks at in a request: path, model, the texts of the user messages
/// (OpenAI Chat and Responses, Anthropic Messages, Gemini contents) and the raw body.
public struct MockRequestFeatures: Sendable {
    public var path: String
    public var model: String?
    /// Texts of the user messages that carry text, in order (tool results are not user turns).
    public var userTexts: [String]
    public var body: [UInt8]

    public init(path: String, body: [UInt8], json: JSONValue?, endpoint: LLMEndpoint?) {
        self.path = path
        self.body = body
        self.model = endpoint?.model ?? json?["model"]?.stringValue
        self.userTexts = json.map(Self.userTexts(in:)) ?? []
    }

    func bodyContains(_ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard !needle.isEmpty else { return true }
        guard body.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        let last = body.count - needle.count
        while i <= last {
            if body[i] == first, body[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    static func userTexts(in body: JSONValue) -> [String] {
        if let messages = body["messages"]?.arrayValue {
            return messages.compactMap { message in
                guard message["role"]?.stringValue == "user" else { return nil }
                return text(of: message["content"])
            }
        }
        if let input = body["input"] {
            if let text = input.stringValue { return [text] }
            return (input.arrayValue ?? []).compactMap { item in
                guard item["role"]?.stringValue == "user" else { return nil }
                return text(of: item["content"])
            }
        }
        if let contents = body["contents"]?.arrayValue {
            return contents.compactMap { content in
                guard content["role"]?.stringValue ?? "user" == "user" else { return nil }
                let texts = (content["parts"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }
                return texts.isEmpty ? nil : texts.joined(separator: "\n")
            }
        }
        return []
    }

    /// A message's text: a string, or the text parts of a list joined by newlines; nil when it
    /// carries no text (only tool results or images).
    static func text(of content: JSONValue?) -> String? {
        guard let content else { return nil }
        if let text = content.stringValue { return text }
        let texts = (content.arrayValue ?? []).compactMap { part -> String? in
            switch part["type"]?.stringValue {
            case "text", "input_text", nil: return part["text"]?.stringValue
            default: return nil
            }
        }
        return texts.isEmpty ? nil : texts.joined(separator: "\n")
    }
}
