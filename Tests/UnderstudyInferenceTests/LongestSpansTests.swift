import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `longest_spans` (distill/trainer/longest_spans.py): the trainer's golden file
/// holds conversations, tools, listed arguments, each case's user text and answers before and after
/// the fill; Swift must agree, and refuse a malformed entry naming the field.
struct LongestSpansTests {
    static let golden = TestEnvironment.repositoryRoot.appendingPathComponent(
        "distill/trainer/tests/golden/longest_spans.jsonl")

    @Test func goldenCasesFillLikeTheTrainer() throws {
        let golden = try GoldenCases.read(Self.golden)
        #expect(golden.count >= 6)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .array(let tools)? = item["tools"],
                case .string(let text)? = item["user_text"], let response = item["response"],
                let filled = item["filled"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let messages = list.map(PromptRenderer.Message.init(json:))
            #expect(NamedOptional.userText(messages) == text, "\(name): user text")
            let schemas = GoldenCases.schemas(tools)
            let longest = LongestSpans(rules: NamedValuesTests.rules(item["arguments"]))
            let answer = longest.fill(RememberedKeysTests.response(response), messages: messages, tools: schemas)
            // byte for byte: OrderedJSON == is String ==, which calls a composed "Café" and a
            // decomposed one equal, so a fill taking the wrong spelling would pass it
            #expect(answer == RememberedKeysTests.response(filled), "\(name)")
            #expect(Self.utf8(answer) == Self.utf8(RememberedKeysTests.response(filled)), "\(name): UTF-8")
        }
    }

    /// The answer's text and calls as UTF-8 bytes (each call's name and JSON arguments).
    static func utf8(_ response: AnswerRestorer.Response) -> [[UInt8]] {
        [Array((response.content ?? "").utf8)]
            + response.toolCalls.flatMap { [Array($0.name.utf8), Array($0.arguments.jsonText.utf8)] }
    }

    @Test func aMalformedEntryIsRefusedNamingTheField() throws {
        try RememberedKeysTests.expectRefused(
            "longest_spans", values: [["counts": [:]], ["arguments": [["tool": "post_tweet"]]]])
    }
}
