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
        let golden = try GoldenCases.read(Self.golden)
        #expect(golden.count >= 10)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .array(let tools)? = item["tools"],
                case .object(let named)? = item["named"], case .object(let values)? = item["values"],
                let response = item["response"], let filled = item["filled"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let messages = list.map(PromptRenderer.Message.init(json:))
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
                let words = Set(RememberedKeysTests.strings(item["words"]))
                for (key, value) in expected {
                    let found = NamedCalls.namedValue(question, key: key, keys: allKeys, words: words)
                    #expect(found.map(OrderedJSON.string) ?? .null == value, "\(name) \(tool).\(key)")
                }
                let phrased = requiredKeys.allSatisfy { !NamedCalls.namePhrases(question, key: $0).isEmpty }
                #expect(named.first { $0.key == tool }?.value == .bool(phrased), "\(name) \(tool)")
            }
            let calls = NamedCalls(
                tools: RememberedKeysTests.strings(item["listed"]), words: Set(RememberedKeysTests.strings(item["words"])))
            #expect(
                calls.fill(RememberedKeysTests.response(response), messages: messages, tools: schemas)
                    == RememberedKeysTests.response(filled), "\(name)")
        }
    }

    /// The review's cases: a whole space-delimited word right after the phrase, "is" or ":"; a
    /// split phrase is two whole words and claims quoted spans; a word that is no value token after
    /// "is" / ":" only for a key in `words`, never a word of punctuation only; quotes that close
    /// nothing stripped (the Python test asserts the same).
    @Test func aValueIsTheWholeWordAfterThePhrase() {
        let keys = ["username", "password", "title"]
        let words: Set<String> = ["username"]
        let cases: [(String, String, String?)] = [
            ("password Secure#2024", "password", "Secure#2024"), ("password Pa$$w0rd.", "password", "Pa$$w0rd"),
            ("password P@ss!23", "password", "P@ss!23"), ("username for ticket 42 is tech_guru", "username", nil),
            ("username:tech_guru password:pw_1", "username", "tech_guru"),
            ("username:tech_guru password:pw_1", "password", "pw_1"),
            ("user name 'ann b' and password 'x y'", "username", "ann b"),
            // after "is" or ":" a word that is no value token for a key of `words` only, after a
            // bare space never; a quote that closes nothing is no part of the value
            ("username is bob and password is Pw_1", "username", "bob"), ("username: bob", "username", "bob"),
            ("username bob and password is Pw_1", "username", nil),
            ("username is 'bob and password is `Pw_1", "password", "Pw_1"),
            ("username is 'bob and password is `Pw_1", "username", "bob"),
            ("My username is the same as before and password is unchanged", "password", nil),
            ("username is — bob", "username", nil), ("username: ... password: Pw_1", "username", nil),
        ]
        for (question, key, value) in cases {
            #expect(
                NamedCalls.namedValue(question as NSString, key: key, keys: keys, words: words) == value, "\(question)")
        }
        // without `words` a word that is no value token is no value, after "is" too
        #expect(NamedCalls.namedValue("username is bob", key: "username", keys: keys) == nil)
        #expect(NamedCalls.namePhrases("I deleted 3 files", key: "id").isEmpty)
    }

    @Test func aMalformedEntryIsRefusedNamingTheField() throws {
        for value: Any in [["counts": [:]], ["tools": [3]], ["tools": ["login"], "words": [3]]] {
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
