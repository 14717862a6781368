import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// The answer fills run in PROMPT_FORMAT.md's order (`Specialist.filled`; evaluate.py's
/// `FILL_ORDER`): the trainer's golden file holds, per two fills next in the order, their
/// specialist.json entries, a conversation (and `tool_choice`'s choice where `chosen_calls`, the last
/// fill, reads it) and the answer before and after the whole chain, built
/// so that running the two the other way round gives another answer (the trainer's test checks
/// that; `named_calls_before_ordinal_items` pins the outcome of two fills that commute). A specialist listing each case's fills must fill as the trainer does.
struct FillOrderTests {
    static let golden = TestEnvironment.repositoryRoot.appendingPathComponent(
        "distill/trainer/tests/golden/fill_order.jsonl")

    @Test func theSpecialistFillsInTheTrainersOrder() throws {
        let lines = try String(contentsOf: Self.golden, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count >= 10)
        for line in lines {
            let item = try OrderedJSON.parse(line)
            let raw = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .array(let tools)? = item["tools"],
                let response = item["response"], let filled = item["filled"],
                let entries = raw["specialist"] as? [String: Any]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let directory = try RetrievalHintTests.copy(
                "specialist-fill-order", features: entries.keys.sorted(), index: false)
            defer { try? FileManager.default.removeItem(at: directory) }
            let specURL = directory.appendingPathComponent("specialist.json")
            var spec = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: specURL)) as? [String: Any])
            spec.merge(entries) { _, entry in entry }
            try JSONSerialization.data(withJSONObject: spec).write(to: specURL)
            let specialist = try Specialist(directory: directory)
            var schemas: [String: OrderedJSON] = [:]
            for tool in tools {
                if case .string(let toolName)? = tool["name"] { schemas[toolName] = tool["parameters"] }
            }
            // tool_choice's choice, which chosen_calls reads (absent: it restricted nothing)
            let chosen: [String]? = item["chosen"].map { RememberedKeysTests.strings($0) }
            let answer = specialist.filled(
                RememberedKeysTests.response(response), messages: list.map(PromptRenderer.Message.init(json:)), tools: schemas,
                chosen: chosen)
            #expect(answer == RememberedKeysTests.response(filled), "\(name)")
        }
    }
}
