import Foundation
import Testing
import UnderstudyInference

/// Slots are shared by text (v3 request tools): a value of the question or an enum value with the
/// same text as a listed tool name or parameter name is one slot, and it must still be writable as
/// an argument value; only names that are never values are refused (`nameOnlySlots`).
struct NameOnlySlotsTests {
    /// The constraint a listed-tools answer's arguments decode under, as `Specialist` builds it.
    func accepts(_ arguments: String, schema: String, prompt: PromptRenderer.Prompt) throws -> Bool {
        let graph = JSONSchemaGraph()
        let root = graph.compile(try JSONSerialization.jsonObject(with: Data(schema.utf8)))
        var automaton = JSONAutomaton(
            graph: graph, root: root, slots: prompt.slots.slots.count,
            slotTexts: prompt.slots.slots.map(\.text), nameSlots: prompt.slots.nameOnlySlots)
        return automaton.feed(Array(arguments.utf8)) && automaton.isComplete
    }

    func slot(_ text: String, _ prompt: PromptRenderer.Prompt) throws -> Int {
        try #require(prompt.slots.slots.firstIndex { $0.text == text })
    }

    @Test func anEnumValueNamedLikeAParameterIsStillAValue() throws {
        let schema = #"{"type":"object","properties":{"name":{"type":"string"},"sort_by":{"type":"string","enum":["name","size"]}}}"#
        let prompt = try PromptRenderer.renderPrompt(
            [.init(role: "user", content: "List my files, sort by name")],
            tools: [(name: "sort_files", parameters: try OrderedJSON.parse(schema))])
        let name = try slot("name", prompt)
        #expect(prompt.slots.slots[name].isKey, "the parameter name and the enum value share one slot")
        #expect(try accepts(#"{"sort_by":<S\#(name)>}"#, schema: schema, prompt: prompt))
        #expect(try accepts(#"{"sort_by":<S\#(try slot("size", prompt))>}"#, schema: schema, prompt: prompt))
        // Names that are no value stay refused.
        #expect(!(try accepts(#"{"name":<S\#(try slot("sort_files", prompt))>}"#, schema: schema, prompt: prompt)))
        #expect(!(try accepts(#"{"name":<S\#(try slot("sort_by", prompt))>}"#, schema: schema, prompt: prompt)))
    }

    @Test func aQuestionValueNamedLikeTheToolIsStillAValue() throws {
        let schema = #"{"type":"object","properties":{"query":{"type":"string"}}}"#
        let prompt = try PromptRenderer.renderPrompt(
            [.init(role: "user", content: #"Find "search" in my notes"#)],
            tools: [(name: "search", parameters: try OrderedJSON.parse(schema))])
        let search = try slot("search", prompt)
        #expect(prompt.slots.slots[search].isToolName, "the quoted value and the tool name share one slot")
        #expect(try accepts(#"{"query":<S\#(search)>}"#, schema: schema, prompt: prompt))
        #expect(!(try accepts(#"{"query":<S\#(try slot("query", prompt))>}"#, schema: schema, prompt: prompt)))
    }
}
