import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `clause_calls` (distill/trainer/clause_calls.py): the trainer's golden file holds
/// questions with their per-clause prompts; Swift must render them alike, and a specialist listing
/// the feature answers a question of several clauses with the calls of each clause.
struct ClauseCallsTests {
    @Test func goldenClausePromptsRenderLikeTheTrainer() throws {
        let golden = try DistinctCallsTests.goldenLines("clause_calls.jsonl")
        #expect(golden.count >= 3)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .array(let toolItems)? = item["tools"],
                case .array(let prompts)? = item["prompts"], case .array(let slots)? = item["slots"],
                case .string(let question)? = list.last?["content"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let tools: [PromptRenderer.Tool] = toolItems.map {
                guard case .string(let toolName)? = $0["name"] else { return ("?", nil) }
                return (toolName, $0["parameters"])
            }
            let prompt = try PromptRenderer.renderPrompt(list.map(PromptRenderer.Message.init(json:)), tools: tools)
            let clauses = ClauseCalls.prompts(prompt, question: question)
            #expect(clauses.map { OrderedJSON.string($0.text) } == prompts, "\(name)")
            #expect(
                clauses.map { OrderedJSON.array($0.slots.slots.map { .string($0.text) }) } == slots, "\(name)")
        }
    }

    @Test func aQuestionOfTwoClausesIsAnsweredClauseByClause() throws {
        let directory = try SpecialistTests.copy(
            "specialist-clause-calls", ["request_tools": true, "prompt_format": 3, "prompt_features": ["clause_calls"]])
        let plain = try SpecialistTests.requestToolsCopy("specialist-clause-calls-plain", promptFormat: 3)
        defer {
            try? FileManager.default.removeItem(at: directory)
            try? FileManager.default.removeItem(at: plain)
        }
        let specialist = try Specialist(directory: directory)
        #expect(specialist.promptFeatures == ["clause_calls"])
        let tools = specialist.toolList
        let first = "Book a table at 'Luigi' for 4 people on 2026-05-01."
        let second = "Also book 'Sakura' for 2 people on 2026-06-02."
        let answer = try specialist.answer([.init(role: "user", content: first + " " + second)], tools: tools)
        let calls = try #require(answer.response, "\(answer.text)").toolCalls
        // One decode per clause: each clause's answer is on its own line, and the calls are theirs.
        let lines = answer.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2, "\(answer.text)")
        #expect(calls.count >= 2, "\(answer.text)")
        let whole = try Specialist(directory: plain).answer(
            [.init(role: "user", content: first + " " + second)], tools: tools)
        #expect(calls.count > (whole.response?.toolCalls.count ?? 0), "\(whole.text)")
        // A question of one clause is answered as without the feature.
        let single: [PromptRenderer.Message] = [.init(role: "user", content: first)]
        let alone = try Specialist(directory: plain).answer(single, tools: tools)
        #expect(try specialist.answer(single, tools: tools).text == alone.text)
    }
}
