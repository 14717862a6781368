import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `copied_items` (distill/trainer/copied_items.py): the trainer's golden file holds
/// conversations, whether the user messages hold each written item and answers before and after
/// the fill; Swift must agree item by item (code points, not canonical equivalence), and a
/// specialist listing the feature must read it and keep the user's own words.
struct CopiedItemsTests {
    static let golden = TestEnvironment.repositoryRoot.appendingPathComponent(
        "distill/trainer/tests/golden/copied_items.jsonl")

    @Test func goldenCasesFillLikeTheTrainer() throws {
        let golden = try String(contentsOf: Self.golden, encoding: .utf8).split(separator: "\n").map {
            try OrderedJSON.parse(String($0))
        }
        #expect(golden.count >= 7)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .array(let tools)? = item["tools"],
                case .array(let held)? = item["held"], let response = item["response"], let filled = item["filled"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let messages = list.map(RetrievalHintTests.message)
            let texts = CopiedItems.userTexts(messages)
            for pair in held {
                guard case .array(let itemAndHeld) = pair, itemAndHeld.count == 2, case .bool(let want) = itemAndHeld[1]
                else { throw ReferenceError("\(name): malformed held pair \(pair.jsonText)") }
                #expect(CopiedItems.held(itemAndHeld[0], in: texts) == want, "\(name): \(itemAndHeld[0].jsonText)")
            }
            var schemas: [String: OrderedJSON] = [:]
            for tool in tools { if case .string(let toolName)? = tool["name"] { schemas[toolName] = tool["parameters"] } }
            let items = CopiedItems(rules: NamedValuesTests.rules(item["arguments"]))
            #expect(items.rules.count == 3)
            #expect(
                items.fill(RememberedKeysTests.response(response), messages: messages, tools: schemas)
                    == RememberedKeysTests.response(filled), "\(name)")
        }
    }

    @Test func anNFDSpellingIsNotTheUsersNFCWord() {
        // String == calls these equal; the trainer's code points do not, so neither may the fill.
        let texts = ["Post it with #Caf\u{E9}"]
        #expect(CopiedItems.held(.string("#Caf\u{E9}"), in: texts))
        #expect(!CopiedItems.held(.string("#Cafe\u{301}"), in: texts))
        #expect(CopiedItems.held(.string("@Caf\u{E9}"), in: texts))  // the sign dropped: "Caf\u{E9}" is there
    }

    @Test func aSpecialistWithTheFeatureKeepsTheQuestionsHashtags() throws {
        // tag_lists writes the question's hashtags into every call; copied_items, after it, keeps them.
        let tools = ["book_table", "cancel_booking", "rate_visit"]
        let directory = try TagListsTests.specialist(
            "specialist-copied-items",
            lists: ["arguments": tools.map { ["tool": $0, "key": "tags", "sign": "#"] }, "counts": [:]])
        defer { try? FileManager.default.removeItem(at: directory) }
        let specURL = directory.appendingPathComponent("specialist.json")
        var spec = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: specURL)) as? [String: Any])
        spec["prompt_features"] = (spec["prompt_features"] as? [String] ?? []) + ["copied_items"]
        spec["copied_items"] = ["arguments": tools.map { ["tool": $0, "key": "tags"] }, "counts": [:]]
        try JSONSerialization.data(withJSONObject: spec).write(to: specURL)
        let specialist = try Specialist(directory: directory)
        #expect(specialist.copiedItems?.rules.count == 3)
        try TagListsTests.expectTheQuestionsHashtags(specialist, tools: tools)
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
