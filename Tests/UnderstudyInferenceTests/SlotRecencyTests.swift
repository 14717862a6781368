import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `recent_slots`: the trainer's golden file (distill/trainer/golden_features.py)
/// holds the prompt-format cases renumbered by recency; Swift must render them byte for byte and
/// restore the renumbered targets to the recorded answers.
struct SlotRecencyTests {
    @Test func goldenCasesRenumberLikeTheTrainer() throws {
        let url = TestEnvironment.repositoryRoot.appendingPathComponent(
            "distill/trainer/tests/golden/recent_slots.jsonl")
        let golden = try GoldenCases.read(url)
        let cases = try PromptRendererTests.cases()
        #expect(golden.count == cases.count && cases.count >= 5)
        for (item, expected) in zip(cases, golden) {
            #expect(expected["name"] == .string(item.name))
            let rendered = try PromptRenderer.renderPrompt(item.messages, tools: item.requestTools)
            let prompt = SlotRecency.renumbered(rendered)
            #expect(expected["prompt_text"] == .string(prompt.text), "\(item.name)")
            #expect(expected["prompt_head"] == .string(prompt.head), "\(item.name)")
            guard case .array(let slots)? = expected["slots"] else { throw ReferenceError("\(item.name): no slots") }
            #expect(slots.map { $0["text"] } == prompt.slots.slots.map { .string($0.text) }, "\(item.name)")
            guard case .string(let target)? = expected["target_text"] else { throw ReferenceError("no target") }
            let response = try AnswerRestorer.restore(target, slots: prompt.slots, tools: item.tools)
            var names: [String] = []
            if case .array(let calls)? = item.target["tool_calls"] {
                for call in calls { if case .string(let name)? = call["name"] { names.append(name) } }
            }
            #expect(response.toolCalls.map(\.name) == names, "\(item.name)")
        }
    }

    @Test func theLatestValueIsSlotZero() throws {
        let prompt = SlotRecency.renumbered(
            try PromptRenderer.renderPrompt([.init(role: "user", content: "Send 'hi' to USR002")]))
        #expect(prompt.text == "<|bos|><|user|>Send <S1> to <S0><|answer|>")
        #expect(prompt.slots.slots.map(\.text) == ["USR002", "hi"])
    }
}
