import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `question_spans` (prompt format v4): the trainer's golden file
/// (distill/trainer/golden_features.py) holds the prompt-format cases and its own span cases
/// rendered with pointers; Swift must render them byte for byte and restore each target to the
/// answer the trainer restored (multi-word values with inner punctuation, typed numbers).
struct QuestionSpansTests {
    @Test func goldenCasesRenderAndRestoreLikeTheTrainer() throws {
        let url = TestEnvironment.repositoryRoot.appendingPathComponent(
            "distill/trainer/tests/golden/question_spans.jsonl")
        let golden = try GoldenCases.read(url)
        let cases = try PromptRendererTests.cases(file: "question_spans.jsonl")
        #expect(cases.count == golden.count && cases.count >= 10)
        #expect(cases.contains { $0.targetText.contains("<W2><W3><W4><W5>") }, "no multi-unit span case")
        for (item, expected) in zip(cases, golden) {
            let prompt = try PromptRenderer.renderPrompt(item.messages, tools: item.requestTools, questionSpans: true)
            #expect(prompt.text == item.promptText, "\(item.name)")
            #expect(prompt.head == item.promptHead, "\(item.name)")
            #expect(prompt.slots.slots == item.slots, "\(item.name)")
            let rendered = PromptRenderer.renderResponse(
                content: Self.content(item.target), calls: Self.calls(item.target), table: prompt.slots,
                nameSlots: item.requestTools != nil)
            #expect(rendered == item.targetText, "\(item.name)")
            let response = try AnswerRestorer.restore(item.targetText, slots: prompt.slots, tools: item.tools)
            let restored = expected["restored"]
            #expect(response.content == Self.content(restored ?? .null), "\(item.name)")
            let calls = Self.calls(restored ?? .null)
            #expect(response.toolCalls.map(\.name) == calls.map(\.name), "\(item.name)")
            #expect(response.toolCalls.map(\.arguments) == calls.map { $0.arguments ?? .object([]) }, "\(item.name)")
        }
    }

    static func content(_ value: OrderedJSON) -> String? {
        if case .string(let s)? = value["content"] { return s }
        return nil
    }

    static func calls(_ value: OrderedJSON) -> [(name: String, arguments: OrderedJSON?)] {
        guard case .array(let list)? = value["tool_calls"] else { return [] }
        return list.map { call in
            guard case .string(let name)? = call["name"] else { return ("", nil) }
            return (name, call["arguments"])
        }
    }

    @Test func aSpanJoinsTheQuestionTextVerbatim() throws {
        var units = QuestionSpans()
        #expect(units.point("Weather in New York, USA?") == "Weather<W0> in<W1> New<W2> York<W3>,<W4> USA<W5>?<W6>")
        #expect(units.text(2, 5) == "New York, USA")
        #expect(units.text(5, 2) == nil && units.text(6, 7) == nil, "backwards or past the last unit")
        let response = try AnswerRestorer.restore(
            #"{"content":null,"tool_calls":[{"name":"w","arguments":{"city":<W2><W3><W4><W5>}}]}"#,
            slots: { var t = PromptSlotTable(); t.units = units; return t }(), tools: [:])
        #expect(response.toolCalls.first?.arguments == .object([("city", .string("New York, USA"))]))
        #expect(throws: InferenceError.self) {
            try AnswerRestorer.restore(
                #"{"content":null,"tool_calls":[{"name":"w","arguments":{"city":<W2><W4>}}]}"#,
                slots: PromptSlotTable(), tools: [:])
        }
    }

    /// The constraint takes a run of consecutive pointers where a free string goes, and for a
    /// number only a run that reads as one.
    @Test func theConstraintTakesOnlyConsecutiveRunsThatFitTheType() {
        let texts = ["Weather", "in", "Oslo", "for", "3", "days", "-", "2.5"].map { Array($0.utf8) }
        func accepts(_ text: String) -> Bool {
            let graph = JSONSchemaGraph()
            var automaton = JSONAutomaton(
                graph: graph, root: graph.compile(JSONAutomatonTests.weather), pointerTexts: texts)
            return automaton.feed(Array(text.utf8)) && automaton.isComplete
        }
        #expect(accepts(#"{"city":<W1><W2>,"days":<W4>,"ratio":<W6><W7>}"#))
        #expect(!accepts(#"{"city":<W1><W3>}"#), "not consecutive")
        #expect(!accepts(#"{"city":<W8>}"#), "past the last unit")
        #expect(!accepts(#"{"city":"x","days":<W2>}"#), "Oslo is no integer")
        #expect(!accepts(#"{"city":"x","days":<W4><W5>}"#), "3 days is no number")
        #expect(!accepts(#"{"city":"x","days":<W6>}"#), "a lone minus is no number")
        #expect(!accepts(#"{"city":"x","unit":<W2>}"#), "an enum takes no pointer")
    }
}

/// A v3 specialist listing `question_spans` is refused: the feature came with v4.
@Test func questionSpansNeedPromptFormatFour() throws {
    let directory = try TestEnvironment.temporaryDirectory("specialist")
    defer { try? FileManager.default.removeItem(at: directory) }
    try Data(#"{"format":1,"prompt_format":3,"prompt_features":["question_spans"]}"#.utf8).write(
        to: directory.appendingPathComponent("specialist.json"))
    #expect {
        _ = try Specialist(directory: directory)
    } throws: { error in
        String(describing: error).contains("question_spans") && String(describing: error).contains("needs 4")
    }
}
