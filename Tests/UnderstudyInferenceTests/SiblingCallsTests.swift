import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `sibling_calls` (distill/trainer/sibling_calls.py): the trainer's golden file holds
/// requests, the prompt's slot texts and candidates and answers before and after the expansion
/// (with call_limit or without); Swift must agree,
/// and a specialist must read the feature's context size or refuse a malformed one, naming the field.
struct SiblingCallsTests {
    static let golden = TestEnvironment.repositoryRoot.appendingPathComponent(
        "distill/trainer/tests/golden/sibling_calls.jsonl")

    @Test func goldenCasesExpandLikeTheTrainer() throws {
        let golden = try GoldenCases.read(Self.golden)
        #expect(golden.count >= 26)
        var changed = 0
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .array(let tools)? = item["tools"],
                case .number(let size)? = item["context"], let context = Int(size),
                case .bool(let limited)? = item["call_limit"], let response = item["response"],
                let expanded = item["expanded"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            var schemas: [String: OrderedJSON] = [:]
            for tool in tools {
                if case .string(let toolName)? = tool["name"] { schemas[toolName] = tool["parameters"] }
            }
            let messages = list.map(PromptRenderer.Message.init(json:))
            let prompt = try PromptRenderer.renderPrompt(messages, tools: UnitExponentsTests.tools(item))
            #expect(prompt.slots.slots.map(\.text) == RememberedKeysTests.strings(item["slots"]), "\(name)")
            // name-only and exponent slots are no candidates
            let candidates = SiblingCalls.candidates(prompt.slots, messages: messages)
            #expect(candidates == RememberedKeysTests.strings(item["candidates"]), "\(name)")
            let limit = limited ? CallLimit.limit(question: RetrievalHint.queryText(messages)) : nil
            let before = RememberedKeysTests.response(response)
            let after = SiblingCalls(context: context).expand(
                before, messages: messages, candidates: candidates, tools: schemas, limit: limit)
            #expect(after == RememberedKeysTests.response(expanded), "\(name)")
            if after != before { changed += 1 }
        }
        #expect(changed >= 15)  // the file pins expansions, not only answers left as they were
    }

    @Test func aSpecialistReadsTheContextOrRefusesAMalformedOne() throws {
        let directory = try RememberedKeysTests.copy(
            "specialist-sibling-calls", feature: "sibling_calls", value: ["context": 2, "counts": [String: Any]()])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Specialist(directory: directory).siblingCalls?.context == 2)
        let malformed: [Any] = [["counts": [String: Any]()], ["context": 0], ["context": "2"]]
        for value in malformed {
            let broken = try RememberedKeysTests.copy(
                "specialist-sibling-calls-broken", feature: "sibling_calls", value: value)
            defer { try? FileManager.default.removeItem(at: broken) }
            #expect {
                _ = try Specialist(directory: broken)
            } throws: { error in
                "\(error)".contains("sibling_calls.context") && "\(error)".contains("specialist.json")
            }
        }
    }
}
