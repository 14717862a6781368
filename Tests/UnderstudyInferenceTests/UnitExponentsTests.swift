import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `unit_exponents` (distill/trainer/unit_exponents.py): the trainer's golden file
/// holds requests with their slot texts and the slots written only as units' exponents; Swift must
/// find the same ones, and a specialist listing the feature never writes one as an argument value.
struct UnitExponentsTests {
    static func tools(_ item: OrderedJSON) -> [PromptRenderer.Tool] {
        guard case .array(let list)? = item["tools"] else { return [] }
        return list.map {
            guard case .string(let name)? = $0["name"] else { return ("?", nil) }
            return (name, $0["parameters"])
        }
    }

    @Test func goldenCasesFindTheExponentsTheTrainerFinds() throws {
        let golden = try DistinctCallsTests.goldenLines("unit_exponents.jsonl")
        #expect(golden.count >= 13)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard case .array(let list)? = item["messages"], case .array(let slots)? = item["slots"],
                case .array(let expected)? = item["exponent_slots"]
            else { throw ReferenceError("\(name): incomplete golden case") }
            let messages = list.map(PromptRenderer.Message.init(json:))
            let prompt = try PromptRenderer.renderPrompt(messages, tools: Self.tools(item))
            #expect(prompt.slots.slots.map { OrderedJSON.string($0.text) } == slots, "\(name)")
            let found = UnitExponents.slots(prompt.slots, userText: UnitExponents.userText(messages))
            #expect(found.sorted().map { OrderedJSON.number(String($0)) } == expected, "\(name)")
        }
    }

    /// Whether the arguments decode under the constraint `Specialist` builds for a listed-tools answer.
    func accepts(_ arguments: String, prompt: PromptRenderer.Prompt, noValue: Set<Int>) throws -> Bool {
        let graph = JSONSchemaGraph()
        let schema = #"{"type":"object","properties":{"acceleration":{"type":"number"},"time":{"type":"number"}}}"#
        let root = graph.compile(try JSONSerialization.jsonObject(with: Data(schema.utf8)))
        var automaton = JSONAutomaton(
            graph: graph, root: root, slots: prompt.slots.slots.count, slotTexts: prompt.slots.slots.map(\.text),
            nameSlots: noValue)
        return automaton.feed(Array(arguments.utf8)) && automaton.isComplete
    }

    @Test func anExponentIsNoValueOnlyWithTheFeature() throws {
        let messages: [PromptRenderer.Message] = [
            .init(role: "user", content: "Final velocity at 5 m/s^2 after 6 seconds.")
        ]
        let prompt = try PromptRenderer.renderPrompt(messages, tools: [(name: "kinematics", parameters: nil)])
        let two = try #require(prompt.slots.slots.firstIndex { $0.text == "2" })
        let six = try #require(prompt.slots.slots.firstIndex { $0.text == "6" })
        let with = Specialist.noValueSlots(prompt, messages: messages, listed: true, unitExponents: true)
        let without = Specialist.noValueSlots(prompt, messages: messages, listed: true, unitExponents: false)
        #expect(!(try accepts(#"{"time":<S\#(two)>}"#, prompt: prompt, noValue: with)))
        #expect(try accepts(#"{"time":<S\#(six)>}"#, prompt: prompt, noValue: with))
        #expect(try accepts(#"{"time":<S\#(two)>}"#, prompt: prompt, noValue: without))
        // Without request tools nothing is refused.
        #expect(Specialist.noValueSlots(prompt, messages: messages, listed: false, unitExponents: true).isEmpty)
    }
}
