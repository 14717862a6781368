import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `named_calls` (distill/trainer/named_calls.py): the trainer's golden file holds
/// conversations, the tools each question names, the values it names for their required keys and
/// answers before and after the fill; Swift must agree, and refuse a malformed entry naming the field.
struct NamedCallsTests {
    static let golden = TestEnvironment.repositoryRoot.appendingPathComponent(
        "distill/trainer/tests/golden/named_calls.jsonl")

    @Test func goldenCasesFillLikeTheTrainer() throws {
        let golden = try String(contentsOf: Self.golden, encoding: .utf8).split(separator: "\n").map {
            try OrderedJSON.parse(String($0))
        }
        #expect(golden.count >= 10)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .array(let tools)? = item["tools"],
                case .object(let named)? = item["named"], case .object(let values)? = item["values"],
                let response = item["response"], let filled = item["filled"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let messages = list.map(RetrievalHintTests.message)
            let question = RetrievalHint.queryText(messages) as NSString
            var schemas: [String: OrderedJSON] = [:]
            for tool in tools {
                if case .string(let toolName)? = tool["name"] { schemas[toolName] = tool["parameters"] }
            }
            for (tool, keys) in values {
                guard case .object(let expected) = keys, case .array(let required)? = schemas[tool]?["required"] else {
                    continue
                }
                let requiredKeys = required.compactMap { if case .string(let key) = $0 { key } else { nil } }
                let allKeys = NamedValues.stringKeys(schemas) + requiredKeys
                for (key, value) in expected {
                    let found = NamedCalls.namedValue(question, key: key, keys: allKeys)
                    #expect(found.map(OrderedJSON.string) ?? .null == value, "\(name) \(tool).\(key)")
                }
                let phrased = requiredKeys.allSatisfy { !NamedCalls.namePhrases(question, key: $0).isEmpty }
                #expect(named.first { $0.key == tool }?.value == .bool(phrased), "\(name) \(tool)")
            }
            let calls = NamedCalls(tools: RememberedKeysTests.strings(item["listed"]))
            #expect(
                calls.fill(RememberedKeysTests.response(response), messages: messages, tools: schemas)
                    == RememberedKeysTests.response(filled), "\(name)")
        }
    }

    @Test func aMalformedEntryIsRefusedNamingTheField() throws {
        for value: Any in [["counts": [:]], ["tools": [3]]] {
            let directory = try RememberedKeysTests.copy(
                "specialist-named-calls-broken", feature: "named_calls", value: value)
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect {
                _ = try Specialist(directory: directory)
            } throws: { error in
                "\(error)".contains("named_calls") && "\(error)".contains("specialist.json")
            }
        }
    }
}
