import Foundation

/// Prompt feature `previous_files` (distill/trainer/previous_files.py, PROMPT_FORMAT.md "Prompt
/// features"): file arguments that, when the question names no file, take the file the
/// conversation last wrote under their key ("jot down '…' into the previous file" is BFCL
/// file_system's `echo` into the file an earlier `touch` created). A small model writes another
/// slot of the question there; after decoding, each listed argument of a tool the answer calls once
/// gets the remembered value, typed by the tool's schema as a slot is. Applied after every other
/// fill. Nothing is added to the prompt.
///
/// ```swift
/// let files = PreviousFiles(rules: [.init(tool: "echo", key: "file_name")])
/// let filled = files.fill(response, messages: messages, tools: specialist.tools)
/// ```
public struct PreviousFiles: Sendable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "previous_files"

    /// The listed arguments (specialist.json `previous_files.arguments`).
    public let rules: Set<NamedValues.Rule>

    public init(rules: [NamedValues.Rule]) {
        self.rules = Set(rules)
    }

    /// A file name: name letters, digits, `_`, `.`, `-`, `/` (a path), then `.` and an ASCII
    /// extension of 2-8 letters and digits starting with a letter, not inside a longer word
    /// ("notes.txt", "/temp/a.csv", "café.txt", "📄plan.md"; not "growth." at a sentence's end,
    /// "v1.2", "e.g." or "main.c"). Name letters are code point ranges, as in previous_files.py
    /// (ICU and Python's `re` agree on those exactly, not on `\w`): every script's letters and
    /// symbols such as emoji, but no punctuation or space (NBSP, «», curly quotes, "…", "—", "。"):
    /// not U+0080-U+00BF, U+2000-U+206F, U+2E00-U+2E7F, U+3000-U+303F, U+FEFF, fullwidth and
    /// halfwidth punctuation.
    static let fileName: NSRegularExpression = {
        let name = "A-Za-z0-9_\\u00C0-\\u1FFF\\u2070-\\u2DFF\\u2E80-\\u2FFF\\u3040-\\uFEFE"
            + "\\uFF10-\\uFF19\\uFF21-\\uFF3A\\uFF41-\\uFF5A\\uFF66-\\U0010FFFF"
        return try! NSRegularExpression(
            pattern: "(?<![\(name).\\-])[\(name)/][\(name)./\\-]*\\.[A-Za-z][A-Za-z0-9]{1,7}"
                + "(?![\(name)/\\-]|\\.[\(name)])")
    }()

    /// Whether `text` holds a file name.
    public static func namesAFile(_ text: String) -> Bool {
        fileName.firstMatch(in: text, range: NSRange(location: 0, length: (text as NSString).length)) != nil
    }

    /// Whether the call's value under `member.key` is a quoted span of the question that no other
    /// argument of the call holds: a file the user named without an extension ('README',
    /// 'main.c'), kept. A span another argument holds ("jot down 'x' into the previous file"
    /// written as content 'x' and file 'x') is the model copying a slot, filled.
    static func quotedAlone(
        _ member: (key: String, value: OrderedJSON), in members: [(key: String, value: OrderedJSON)], quoted: Set<String>
    ) -> Bool {
        guard case .string(let value) = member.value, quoted.contains(value) else { return false }
        return !members.contains { $0.key != member.key && $0.value == member.value }
    }

    /// The response with each listed argument of a once-called tool set to the latest value under
    /// its key of the conversation followed by the answer's calls before it, when the question
    /// names no file; a written null or "", a quoted span of the question no other argument holds
    /// and a key nothing remembered keep their values.
    /// - Parameter tools: each tool's `parameters` schema by name, for typing.
    public func fill(
        _ response: AnswerRestorer.Response, messages: [PromptRenderer.Message], tools: [String: OrderedJSON]
    ) -> AnswerRestorer.Response {
        let question = RetrievalHint.queryText(messages)
        guard !rules.isEmpty, !response.toolCalls.isEmpty, !Self.namesAFile(question) else { return response }
        let quoted = Set(NamedValues.quotedSpans(question as NSString).map(\.span))
        let calls = response.toolCalls
        var filled = response
        for (index, call) in calls.enumerated() {
            guard case .object(let members) = call.arguments, calls.filter({ $0.name == call.name }).count == 1,
                members.contains(where: { rules.contains(.init(tool: call.name, key: $0.key)) })
            else { continue }
            let before: [(name: String, arguments: OrderedJSON?)] = calls[..<index].map { ($0.name, $0.arguments) }
            let earlier = PromptRenderer.Message(role: "assistant", content: nil, toolCalls: before)
            let remembered = RememberedKeys.memory(messages + [earlier])
            let schema = tools[call.name]?["properties"]
            filled.toolCalls[index].arguments = .object(
                members.map { member in
                    let kept = member.value == .null || member.value == .string("")
                        || Self.quotedAlone(member, in: members, quoted: quoted)
                    guard !kept, rules.contains(.init(tool: call.name, key: member.key)),
                        let slot = remembered[member.key]
                    else { return (member.key, member.value) }
                    return (member.key, AnswerRestorer.coerce(slot, schema?[member.key]))
                })
        }
        return filled
    }
}
