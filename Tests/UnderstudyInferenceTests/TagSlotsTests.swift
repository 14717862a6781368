import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `tag_slots` (distill/trainer/tag_slots.py): the trainer's golden file holds
/// conversations rendered with and without the feature; Swift must render alike and restore the
/// tags an answer copies by slot with their sign.
struct TagSlotsTests {
    @Test func goldenPromptsRenderLikeTheTrainer() throws {
        let golden = try DistinctCallsTests.goldenLines("tag_slots.jsonl")
        #expect(golden.count >= 2)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .array(let slots)? = item["slots"],
                case .string(let targetText)? = item["target_text"], let target = item["target"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let messages = list.map(PromptRenderer.Message.init(json:))
            let prompt = try PromptRenderer.renderPrompt(messages, tagSlots: true)
            #expect(item["prompt_text"] == .string(prompt.text), "\(name)")
            #expect(slots == prompt.slots.slots.map { .string($0.text) }, "\(name)")
            #expect(item["prompt_text_without"] == .string(try PromptRenderer.renderPrompt(messages).text), "\(name)")
            let restored = try AnswerRestorer.restore(targetText, slots: prompt.slots, tools: [:])
            #expect(restored == RememberedKeysTests.response(target), "\(name)")
        }
    }

    @Test func aSpecialistListingTheFeatureIsAccepted() throws {
        let directory = try RetrievalHintTests.copy("specialist-tags", features: ["tag_slots"], index: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        let specialist = try Specialist(directory: directory)
        #expect(specialist.promptFeatures == ["tag_slots"])
        let answer = try specialist.answer([.init(role: "user", content: "Book #Luigi for @amy at 19:30.")])
        #expect(answer.tokens > 0)
    }
}
