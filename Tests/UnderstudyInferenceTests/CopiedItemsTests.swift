import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `copied_items` (distill/trainer/copied_items.py): the trainer's golden file holds
/// conversations, whether the request's texts hold each written item and answers before and after
/// the fill; Swift must agree item by item (whole words, code points, not canonical equivalence),
/// and a specialist listing the feature must read it, keep the user's own words and drop invented
/// ones in its answer fills.
struct CopiedItemsTests {
    static let golden = TestEnvironment.repositoryRoot.appendingPathComponent(
        "distill/trainer/tests/golden/copied_items.jsonl")

    @Test func goldenCasesFillLikeTheTrainer() throws {
        let golden = try GoldenCases.read(Self.golden)
        #expect(golden.count >= 8)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .array(let tools)? = item["tools"],
                case .array(let held)? = item["held"], let response = item["response"], let filled = item["filled"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let messages = list.map(PromptRenderer.Message.init(json:))
            let texts = CopiedItems.Texts(messages)
            for pair in held {
                guard case .array(let itemAndHeld) = pair, itemAndHeld.count == 2, case .bool(let want) = itemAndHeld[1]
                else { throw ReferenceError("\(name): malformed held pair \(pair.jsonText)") }
                #expect(CopiedItems.held(itemAndHeld[0], in: texts) == want, "\(name): \(itemAndHeld[0].jsonText)")
            }
            let schemas = GoldenCases.schemas(tools)
            let items = CopiedItems(rules: NamedValuesTests.rules(item["arguments"]))
            #expect(items.rules.count == 3)
            #expect(
                items.fill(RememberedKeysTests.response(response), messages: messages, tools: schemas)
                    == RememberedKeysTests.response(filled), "\(name)")
        }
    }

    @Test func anNFDSpellingIsNotTheUsersNFCWord() {
        // String == calls these equal; the trainer's code points do not, so neither may the fill.
        let texts = CopiedItems.Texts([.init(role: "user", content: "Post it with #Caf\u{E9}")])
        #expect(CopiedItems.held(.string("#Caf\u{E9}"), in: texts))
        #expect(!CopiedItems.held(.string("#Cafe\u{301}"), in: texts))
        #expect(CopiedItems.held(.string("@Caf\u{E9}"), in: texts))  // the sign dropped: "Caf\u{E9}" is there
        #expect(!CopiedItems.held(.string("#Ca"), in: texts))  // not a whole word ("é" is no ASCII letter: "#Caf" is)
    }

    @Test func aSpecialistWithTheFeatureKeepsTheQuestionsHashtagsAndDropsAnInventedHandle() throws {
        // tag_lists writes the question's hashtags into every call; copied_items, after it, keeps them.
        let tools = ["book_table", "cancel_booking", "rate_visit"]
        let directory = try TagListsTests.specialist(
            "specialist-copied-items",
            lists: ["arguments": tools.map { ["tool": $0, "key": "tags", "sign": "#"] }, "counts": [:]])
        defer { try? FileManager.default.removeItem(at: directory) }
        let specURL = directory.appendingPathComponent("specialist.json")
        var spec = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: specURL)) as? [String: Any])
        spec["prompt_features"] = (spec["prompt_features"] as? [String] ?? []) + ["copied_items"]
        let arguments = tools.map { ["tool": $0, "key": "tags"] } + [["tool": "post_tweet", "key": "mentions"]]
        spec["copied_items"] = ["arguments": arguments, "counts": [:]]
        try JSONSerialization.data(withJSONObject: spec).write(to: specURL)
        let specialist = try Specialist(directory: directory)
        #expect(specialist.copiedItems?.rules.count == 4)
        try TagListsTests.expectTheQuestionsHashtags(specialist, tools: tools)

        // The specialist's answer fills drop the handle of another conversation (seed 1's posting
        // misses) and keep one an earlier tool result names.
        let written = AnswerRestorer.Response(
            content: nil,
            toolCalls: [
                .init(
                    name: "post_tweet",
                    arguments: .object([("content", .string("Hi")), ("mentions", .array([.string("@technewsworld")]))]))
            ])
        let question: [PromptRenderer.Message] = [.init(role: "user", content: "Tweet 'Hi' for #Trip, no handle.")]
        let dropped = specialist.filled(written, messages: question, tools: [:])
        #expect(dropped.toolCalls.map(\.arguments) == [.object([("content", .string("Hi"))])])
        let named = question + [.init(role: "tool", content: "{\"followers\": [\"technewsworld\"]}")]
        #expect(specialist.filled(written, messages: named, tools: [:]) == written)
    }

    @Test func malformedArgumentsAreRefusedNamingTheField() throws {
        for broken in [["counts": [:]], ["arguments": [["tool": "book_table"]]]] as [Any] {
            let directory = try RememberedKeysTests.copy(
                "specialist-copied-items-broken", feature: "copied_items", value: broken)
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect {
                _ = try Specialist(directory: directory)
            } throws: { error in
                "\(error)".contains("copied_items") && "\(error)".contains("specialist.json")
            }
        }
    }
}
