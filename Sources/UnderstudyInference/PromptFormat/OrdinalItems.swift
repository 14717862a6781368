import Foundation

/// Prompt feature `ordinal_items` (distill/trainer/ordinal_items.py, PROMPT_FORMAT.md "Prompt
/// features"): argument keys whose value, in the training answers, is the first or last item of the
/// latest listed tool result when the question says "first" or "last" ("a detailed report on the
/// first stock listed in my watchlist" after `{"watchlist": ["NVDA", "ZETA"]}` → `symbol` NVDA).
/// The question names a position, not a value, so no other fill can find it; a small model with
/// recency-numbered slots writes the latest slot instead. After decoding, each listed argument a
/// call writes as a string gets the ordinal item, unless the question holds the written value as a
/// whole word ("First, add NVDA to my watchlist, then sell TSLA" keeps NVDA and TSLA: "first"
/// orders the steps there). Applied after `named_optional`, before `named_values`, so every later
/// fill that reads a value the question writes wins over it. Nothing is added to the prompt.
///
/// ```swift
/// let ordinal = OrdinalItems(keys: ["symbol"])
/// let filled = ordinal.fill(response, messages: messages)
/// ```
public struct OrdinalItems: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "ordinal_items"

    /// The listed keys (specialist.json `ordinal_items.keys`).
    public let keys: Set<String>

    public init(keys: Set<String>) {
        self.keys = keys
    }

    /// Reads `ordinal_items` of specialist.json (`{"keys": [...], "counts": {...}}`).
    init(_ value: OrderedJSON?, path: String) throws {
        keys = try PromptFeatureList.strings(value, list: "keys", feature: Self.feature, path: path)
    }

    /// "first" or "last" as a whole word; explicit classes, not `\b` or a case-insensitive flag
    /// (ICU's and Python's word characters and case folding differ), as in ordinal_items.py.
    static let ordinalRegex = try! NSRegularExpression(
        pattern: "(?<![A-Za-z0-9_])([Ff][Ii][Rr][Ss][Tt]|[Ll][Aa][Ss][Tt])(?![A-Za-z0-9_])")

    /// "first" or "last" when the question holds exactly one of the two words, else nil.
    public static func ordinal(_ question: String) -> String? {
        let found = Set(
            ordinalRegex.matches(in: question, range: NSRange(question.startIndex..., in: question)).compactMap {
                Range($0.range(at: 1), in: question).map { question[$0].lowercased() }
            })
        return found.count == 1 ? found.first : nil
    }

    /// The first non-empty array of strings only in `value`, depth first (an array before what it holds).
    static func stringList(_ value: OrderedJSON) -> [String]? {
        switch value {
        case .array(let items):
            let strings = items.compactMap { item -> String? in
                if case .string(let text) = item { return text }
                return nil
            }
            if !items.isEmpty && strings.count == items.count { return strings }
            return items.lazy.compactMap(stringList).first
        case .object(let members):
            return members.lazy.compactMap { stringList($0.value) }.first
        default:
            return nil
        }
    }

    /// The latest tool result's list of strings (a tool message whose content is a JSON object or
    /// array holding one), or nil.
    public static func listedResult(_ messages: [PromptRenderer.Message]) -> [String]? {
        for message in messages.reversed() where message.role == "tool" {
            if let content = message.content, let parsed = PromptRenderer.parseToolJSON(content),
                let found = stringList(parsed)
            {
                return found
            }
        }
        return nil
    }

    /// The item of the latest listed result the question's ordinal names, or nil.
    public static func ordinalItem(_ messages: [PromptRenderer.Message]) -> String? {
        guard let word = ordinal(RetrievalHint.queryText(messages)), let items = listedResult(messages) else {
            return nil
        }
        return word == "first" ? items.first : items.last
    }

    /// The response with each listed argument a call writes as a string set to the ordinal item,
    /// unless the question holds the written value as a whole word (CopiedItems' word test; an
    /// empty value is held by no text).
    public func fill(_ response: AnswerRestorer.Response, messages: [PromptRenderer.Message]) -> AnswerRestorer.Response {
        guard !keys.isEmpty, !response.toolCalls.isEmpty, let item = Self.ordinalItem(messages) else { return response }
        let question = CopiedItems.Texts(texts: [RetrievalHint.queryText(messages)])
        return response.replacingArguments(tools: [:]) { _, key, written, _ in
            guard keys.contains(key), case .string(let value) = written, !value.isEmpty,
                !question.holdWord(Array(value.unicodeScalars))
            else { return nil }
            return .string(item)
        }
    }
}
