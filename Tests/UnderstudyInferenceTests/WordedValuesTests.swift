import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `worded_values` (distill/trainer/worded_values.py): the trainer's golden file
/// holds conversations, the question's named value per key and answers before and after the fill;
/// Swift must agree, and a specialist listing the feature must answer with the question's values.
struct WordedValuesTests {
    @Test func goldenCasesFillLikeTheTrainer() throws {
        let golden = try DistinctCallsTests.goldenLines("worded_values.jsonl")
        #expect(golden.count >= 8)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .array(let tools)? = item["tools"],
                case .object(let values)? = item["values"], let response = item["response"],
                let filled = item["filled"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let messages = list.map(PromptRenderer.Message.init(json:))
            let question = RetrievalHint.queryText(messages)
            for member in values {
                let expected: String? = if case .string(let text) = member.value { text } else { nil }
                #expect(WordedValues.namedValue(in: question, key: member.key) == expected, "\(name): \(member.key)")
            }
            let worded = WordedValues(keys: Set(RememberedKeysTests.strings(item["keys"])))
            #expect(
                worded.fill(RememberedKeysTests.response(response), messages: messages, tools: GoldenCases.schemas(tools))
                    == RememberedKeysTests.response(filled), "\(name)")
        }
    }

    /// The travel question the scratch specialist answered with `grant_type` "198": every value
    /// the question writes after the key's words replaces the model's, the other calls' keys too.
    @Test func theKeysWordsNameEachValueWhateverTheModelWrote() throws {
        let worded = WordedValues(keys: ["client_id", "grant_type", "user_last_name"])
        let tools = [
            "authenticate_travel": try OrderedJSON.parse(
                #"{"type":"object","properties":{"client_id":{"type":"string"},"grant_type":{"type":"string"},"user_last_name":{"type":"string"}}}"#)
        ]
        let messages: [PromptRenderer.Message] = [
            .init(role: "user", content: "A client ID of my_client_id. The grant type should be set to read_write, "
                + "with the last name being Thompson")
        ]
        func answer(_ id: String, _ grant: String, _ last: String) throws -> AnswerRestorer.Response {
            RememberedKeysTests.response(
                try OrderedJSON.parse(
                    #"{"content":null,"tool_calls":[{"name":"authenticate_travel","arguments":{"client_id":""# + id
                        + #"","grant_type":""# + grant + #"","user_last_name":""# + last + #""}}]}"#))
        }
        #expect(
            worded.fill(try answer("Thompson", "198", "first_name,"), messages: messages, tools: tools)
                == (try answer("my_client_id", "read_write", "Thompson")))
    }

    @Test func anEntryWithoutItsKeysIsRefusedNamingTheField() throws {
        for entry: Any in [["counts": [:]], ["keys": "client_id"], ["keys": [3]]] {
            let directory = try RememberedKeysTests.copy(
                "specialist-worded-values-broken", feature: "worded_values", value: entry)
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect {
                _ = try Specialist(directory: directory)
            } throws: { error in
                "\(error)".contains("worded_values") && "\(error)".contains("specialist.json")
            }
        }
    }
}
