import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `tag_lists` (distill/trainer/tag_lists.py): the trainer's golden file holds
/// conversations, the question's words per sign and answers before and after the fill; Swift must
/// agree, and a specialist listing the feature must answer with the question's hashtags.
struct TagListsTests {
    static let golden = TestEnvironment.repositoryRoot.appendingPathComponent(
        "distill/trainer/tests/golden/tag_lists.jsonl")

    static func rules(_ json: OrderedJSON?) -> [TagLists.Rule] {
        guard case .array(let items)? = json else { return [] }
        return items.compactMap { item in
            guard case .string(let tool)? = item["tool"], case .string(let key)? = item["key"],
                case .string(let sign)? = item["sign"], let first = sign.first
            else { return nil }
            return .init(tool: tool, key: key, sign: first)
        }
    }

    @Test func goldenCasesFillLikeTheTrainer() throws {
        let golden = try GoldenCases.read(Self.golden)
        #expect(golden.count >= 5)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], let response = item["response"],
                let filled = item["filled"], let words = item["words"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let messages = list.map(PromptRenderer.Message.init(json:))
            let question = NamedOptional.userText(messages)
            for sign in ["#", "@"] {
                #expect(
                    TagLists.words(question, sign: Character(sign)) == RememberedKeysTests.strings(words[sign]),
                    "\(name): \(sign)")
            }
            let lists = TagLists(rules: Self.rules(item["arguments"]))
            #expect(lists.rules.count == 2)
            #expect(
                lists.fill(RememberedKeysTests.response(response), messages: messages)
                    == RememberedKeysTests.response(filled), "\(name)")
        }
    }

    /// The tiny specialist told that every tool's `tags` are the question's hashtags.
    static func specialist(_ name: String, lists: Any) throws -> URL {
        try RememberedKeysTests.copy(name, feature: "tag_lists", value: lists)
    }

    @Test func aSpecialistWithTheFeatureAnswersWithTheQuestionsHashtags() throws {
        let tools = ["book_table", "cancel_booking", "rate_visit"]
        let directory = try Self.specialist(
            "specialist-tag-lists",
            lists: ["arguments": tools.map { ["tool": $0, "key": "tags", "sign": "#"] }, "counts": [:]])
        defer { try? FileManager.default.removeItem(at: directory) }
        let specialist = try Specialist(directory: directory)
        #expect(specialist.tagLists?.rules.count == 3)
        try Self.expectTheQuestionsHashtags(specialist, tools: tools)
    }

    /// Asks for a booking with two hashtags and expects every call to `tools` to carry them as `tags`.
    static func expectTheQuestionsHashtags(_ specialist: Specialist, tools: [String]) throws {
        let messages: [PromptRenderer.Message] = [
            .init(role: "user", content: "Book a table at 'Luigi' for 4 people on 2026-05-01 at 19:30 #dinner #family")
        ]
        let answer = try #require(try specialist.answer(messages).response)
        let calls = answer.toolCalls.filter { tools.contains($0.name) }
        #expect(!calls.isEmpty, "\(answer)")
        for call in calls {
            #expect(call.arguments["tags"] == .array([.string("#dinner"), .string("#family")]), "\(call)")
        }
    }

    @Test func malformedArgumentsAreRefusedNamingTheField() throws {
        for broken in [["counts": [:]], ["arguments": [["tool": "book_table", "key": "tags", "sign": "$"]]]] as [Any] {
            let directory = try Self.specialist("specialist-tag-lists-broken", lists: broken)
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect {
                _ = try Specialist(directory: directory)
            } throws: { error in
                "\(error)".contains("tag_lists") && "\(error)".contains("specialist.json")
            }
        }
    }
}
