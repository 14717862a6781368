import Foundation

/// Prompt feature `tag_lists` (distill/trainer/tag_lists.py, PROMPT_FORMAT.md "Prompt features"):
/// list arguments whose training answers are always the question's `#hashtags` (or `@handles`), in
/// order — BFCL posting's `post_tweet` `tags` and `mentions`. A small model leaves these optional
/// lists out; after decoding, each listed argument of a call to its tool is set to the words of the
/// user turns since the last answer with calls (`NamedOptional.userText`: a clarification's turn
/// too; added when the answer did not write it). Nothing is added to the prompt.
///
/// ```swift
/// let lists = TagLists(rules: [.init(tool: "post_tweet", key: "tags", sign: "#")])
/// let filled = lists.fill(response, messages: messages)
/// // post_tweet now carries "tags": ["#RoadTrip", "#Adventure"] from "… #RoadTrip #Adventure"
/// ```
public struct TagLists: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "tag_lists"

    /// One listed argument: calls to `tool` get `key` set to the question's words of `sign`.
    public struct Rule: Sendable, Equatable {
        public let tool: String
        public let key: String
        public let sign: Character

        public init(tool: String, key: String, sign: Character) {
            self.tool = tool
            self.key = key
            self.sign = sign
        }
    }

    /// The listed arguments (specialist.json `tag_lists.arguments`), in file order.
    public let rules: [Rule]

    public init(rules: [Rule]) {
        self.rules = rules
    }

    /// Reads `tag_lists` of specialist.json (`{"arguments": [{"tool", "key", "sign"}], "counts": {...}}`).
    init(_ value: OrderedJSON?, path: String) throws {
        let items = try PromptFeatureList.items(value, list: "arguments", feature: Self.feature, path: path)
        rules = try items.map { item in
            guard case .string(let tool)? = item["tool"], case .string(let key)? = item["key"],
                case .string(let sign)? = item["sign"], sign == "#" || sign == "@"
            else {
                throw InferenceError.invalidConfig(
                    path, field: "tag_lists.arguments", "holds \(item.jsonText), not {\"tool\", \"key\", \"sign\": \"#\" or \"@\"}")
            }
            return Rule(tool: tool, key: key, sign: Character(sign))
        }
    }

    /// `tag_slots`' pattern (ASCII): a sign not glued to a word, `#`, or `@` before it.
    nonisolated(unsafe) static let word = try! NSRegularExpression(pattern: "(?<![A-Za-z0-9_#@])[#@][A-Za-z0-9_]+")

    /// The `#word` (or `@word`) matches of `text`, in order, sign included.
    public static func words(_ text: String, sign: Character) -> [String] {
        word.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range, in: text).map { String(text[$0]) }
        }.filter { $0.first == sign }
    }

    /// The response with each listed argument of a call to its tool set to the question's words of
    /// its sign, when the question holds any (a new key goes after the call's other arguments).
    public func fill(_ response: AnswerRestorer.Response, messages: [PromptRenderer.Message]) -> AnswerRestorer.Response {
        guard !rules.isEmpty, !response.toolCalls.isEmpty else { return response }
        let question = NamedOptional.userText(messages)
        var filled = response
        for index in filled.toolCalls.indices {
            guard case .object(var members) = filled.toolCalls[index].arguments else { continue }
            for rule in rules where rule.tool == filled.toolCalls[index].name {
                let found = Self.words(question, sign: rule.sign)
                guard !found.isEmpty else { continue }
                let value = OrderedJSON.array(found.map { .string($0) })
                if let at = members.firstIndex(where: { $0.key == rule.key }) {
                    members[at].value = value
                } else {
                    members.append((rule.key, value))
                }
            }
            filled.toolCalls[index].arguments = .object(members)
        }
        return filled
    }
}
