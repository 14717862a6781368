import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `previous_files` (distill/trainer/previous_files.py): the trainer's golden file
/// holds conversations, whether the question names a file and answers before and after the fill;
/// Swift must agree, and a specialist listing the feature must answer with the remembered value.
struct PreviousFilesTests {
    static let golden = TestEnvironment.repositoryRoot.appendingPathComponent(
        "distill/trainer/tests/golden/previous_files.jsonl")

    @Test func goldenCasesFillLikeTheTrainer() throws {
        let golden = try GoldenCases.read(Self.golden)
        #expect(golden.count >= 30)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .array(let tools)? = item["tools"],
                case .bool(let namesAFile)? = item["names_a_file"], let response = item["response"],
                let filled = item["filled"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let messages = list.map(PromptRenderer.Message.init(json:))
            #expect(PreviousFiles.namesAFile(RetrievalHint.queryText(messages)) == namesAFile, "\(name)")
            var schemas: [String: OrderedJSON] = [:]
            for tool in tools {
                if case .string(let toolName)? = tool["name"] { schemas[toolName] = tool["parameters"] }
            }
            let files = PreviousFiles(rules: NamedValuesTests.rules(item["arguments"]))
            #expect(
                files.fill(RememberedKeysTests.response(response), messages: messages, tools: schemas)
                    == RememberedKeysTests.response(filled), "\(name)")
        }
    }

    static func specialist(_ name: String, arguments: Any?) throws -> URL {
        try RememberedKeysTests.copy(name, feature: "previous_files", value: arguments)
    }

    /// The tiny specialist told that `book_table`'s and `cancel_booking`'s string arguments default to
    /// the conversation's latest value under their key: a question naming no file gets the values an
    /// earlier booking wrote, which the model alone does not copy.
    @Test func aSpecialistWithTheFeatureAnswersWithThePreviousValues() throws {
        let rules = ["restaurant", "date", "time", "booking_id"].flatMap { key in
            ["book_table", "cancel_booking"].map { ["tool": $0, "key": key] }
        }
        let filling = try Self.specialist("specialist-previous-files", arguments: ["arguments": rules, "counts": [:]])
        let plain = try Self.specialist("specialist-previous-files-plain", arguments: nil)
        defer {
            try? FileManager.default.removeItem(at: filling)
            try? FileManager.default.removeItem(at: plain)
        }
        let earlier: OrderedJSON = try OrderedJSON.parse(
            #"{"restaurant": "Zed", "date": "2030-01-01", "time": "08:00", "booking_id": "BK-1"}"#)
        let messages: [PromptRenderer.Message] = [
            .init(role: "user", content: "Book something."),
            .init(role: "assistant", content: nil, toolCalls: [("book_table", earlier)]),
            .init(role: "user", content: "Book a table at 'Luigi' for 4 people on 2026-05-01 at 19:30."),
        ]
        let withFeature = try Specialist(directory: filling)
        #expect(withFeature.previousFiles?.rules.count == rules.count)
        let answer = try #require(try withFeature.answer(messages).response)
        let expected: [String: OrderedJSON] = [
            "restaurant": .string("Zed"), "date": .string("2030-01-01"), "time": .string("08:00"),
            "booking_id": .string("BK-1"),
        ]
        var written = 0
        for call in answer.toolCalls where answer.toolCalls.filter({ $0.name == call.name }).count == 1 {
            guard case .object(let members) = call.arguments else { continue }
            for member in members where expected[member.key] != nil && member.value != .null {
                written += 1
                #expect(member.value == expected[member.key], "\(call.name).\(member.key)")
            }
        }
        #expect(written > 0, "\(answer)")
        // The model alone copies the last message's values: the fill, not the model, wrote these.
        let alone = try #require(try Specialist(directory: plain).answer(messages).response)
        #expect(alone != answer, "\(alone)")
        // A question naming a file leaves the model's answer as it is.
        var named = messages
        named[2].content = "Book a table at 'Luigi' for 4 people on 2026-05-01 at 19:30, see menu.pdf."
        #expect(try withFeature.answer(named).response == Specialist(directory: plain).answer(named).response)
    }

    @Test func aFeatureWithoutItsArgumentsIsRefusedNamingTheField() throws {
        for value: Any in [["counts": [:]], ["arguments": [["tool": "book_table"]]]] {
            let directory = try Self.specialist("specialist-previous-files-broken", arguments: value)
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect {
                _ = try Specialist(directory: directory)
            } throws: { error in
                "\(error)".contains("previous_files") && "\(error)".contains("specialist.json")
            }
        }
    }
}
