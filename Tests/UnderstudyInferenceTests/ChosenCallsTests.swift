import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature chosen_calls: the argument-less tools `tool_choice` chose and the answer left
/// out are called, where the training answers put them (golden file shared with the trainer).
@Suite("Chosen calls")
struct ChosenCallsTests {
    @Test func goldenCasesFillLikeTheTrainer() throws {
        let url = TestEnvironment.repositoryRoot.appendingPathComponent(
            "distill/trainer/tests/golden/chosen_calls.jsonl")
        let golden = try GoldenCases.read(url)
        #expect(golden.count >= 10)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard let response = item["response"], let filled = item["filled"], case .array(let rules)? = item["rules"]
            else {
                throw ReferenceError("\(name): incomplete golden case")
            }
            let chosen = ChosenCalls(
                rules: rules.map {
                    ChosenCalls.Rule(
                        tool: RememberedKeysTests.strings(.array([$0["tool"] ?? .null])).first ?? "",
                        after: Set(RememberedKeysTests.strings($0["after"])))
                })
            let tools: [String]? = item["chosen"] == .null ? nil : RememberedKeysTests.strings(item["chosen"])
            #expect(
                chosen.fill(RememberedKeysTests.response(response), chosen: tools)
                    == RememberedKeysTests.response(filled), "\(name)")
        }
    }

    /// A text neighbour: `tool_choice` still restricts decoding, so the tools it chose and the
    /// answer left out are called too (trainer alike: run.py's `chosen_for`).
    @Test func theChosenToolsAreCalledAlsoWhereTheNearestHintIsText() throws {
        let directory = try HintToolsTests.specialist(
            "specialist-chosen-calls-text-hint", features: ["retrieval_hint", "hint_tools", "tool_choice"],
            hintedTool: nil)
        defer { try? FileManager.default.removeItem(at: directory) }
        // a classifier choosing cancel_booking and rate_visit for every request
        try ToolChoiceTests.writeClassifier(bias: [-1.0, 1.0, 1.0], to: directory)
        let request: [PromptRenderer.Message] = [.init(role: "user", content: "Book a table at 'Luigi' for 4 people.")]
        let alone = try Specialist(directory: directory, embedder: HashingEmbedder(dimension: 384)).answer(request)
        let specURL = directory.appendingPathComponent("specialist.json")
        var spec = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: specURL)) as? [String: Any])
        spec["prompt_features"] = ["retrieval_hint", "hint_tools", "tool_choice", "chosen_calls"]
        spec["chosen_calls"] = ["tools": [
            ["tool": "cancel_booking", "after": []], ["tool": "rate_visit", "after": ["cancel_booking"]],
        ]]
        try JSONSerialization.data(withJSONObject: spec).write(to: specURL)
        let filled = try Specialist(directory: directory, embedder: HashingEmbedder(dimension: 384)).answer(request)
        let calledAlone = HintToolsTests.calledTools(alone.text)
        // the model alone calls one chosen tool, the fill adds the other after it
        #expect(!calledAlone.isEmpty && Set(calledAlone) != ["cancel_booking", "rate_visit"], "\(alone.text)")
        #expect(Set(filled.response?.toolCalls.map(\.name) ?? []) == ["cancel_booking", "rate_visit"], "\(filled)")
    }

    @Test func aSpecialistReadsTheListedRules() throws {
        let rules: [[String: Any]] = [["tool": "cancel_booking", "after": ["book_table"]]]
        let directory = try RememberedKeysTests.copy(
            "specialist-chosen-calls", feature: "chosen_calls", value: ["tools": rules])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(
            try Specialist(directory: directory).chosenCalls?.rules == [.init(tool: "cancel_booking", after: ["book_table"])])
    }

    @Test func aRuleWithoutItsAfterListIsRefusedNamingTheField() throws {
        let directory = try RememberedKeysTests.copy(
            "specialist-chosen-calls-broken", feature: "chosen_calls", value: ["tools": [["tool": "cancel_booking"]]])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect {
            _ = try Specialist(directory: directory)
        } throws: { error in
            "\(error)".contains("chosen_calls.tools") && "\(error)".contains("specialist.json")
        }
    }
}
