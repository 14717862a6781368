import Foundation
import Testing
import UnderstudyInference

struct JSONAutomatonTests {
    nonisolated(unsafe) static let weather: Any = try! JSONSerialization.jsonObject(
        with: Data(
            #"""
            {"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"},
             "unit":{"type":"string","enum":["celsius","fahrenheit"]},"exact":{"type":["boolean","null"]},
             "tags":{"type":"array","items":{"type":"string"}},"ratio":{"type":"number"}},"required":["city"]}
            """#.utf8))

    func accepts(
        _ text: String, schema: Any? = weather, slots: Int = 0, sorted: Bool = false, slotTexts: [String]? = nil,
        nameSlots: Set<Int> = []
    ) -> Bool {
        let graph = JSONSchemaGraph()
        var automaton = JSONAutomaton(
            graph: graph, root: graph.compile(schema), slots: slots, sortedKeys: sorted, slotTexts: slotTexts,
            nameSlots: nameSlots)
        return automaton.feed(Array(text.utf8)) && automaton.isComplete
    }

    @Test func acceptsDocumentsThatFitTheSchema() {
        #expect(accepts(#"{"city":"Paris"}"#))
        #expect(
            accepts(
                #"{"city":"Zürich \"old\" town\n","days":3,"unit":"celsius","exact":null,"tags":["a","b"],"ratio":-1.5e3}"#
            ))
        #expect(accepts(#"{"exact":true,"city":"x","tags":[]}"#))
        #expect(accepts(#"[1,{"a":[true,null,"x\u00e9"]},-0.5]"#, schema: nil))
    }

    @Test func rejectsTypeEnumRequiredAndUnknownKeyViolations() {
        #expect(!accepts(#"{"days":3}"#), "required city missing")
        #expect(!accepts(#"{"city":3}"#), "city must be a string")
        #expect(!accepts(#"{"city":"x","days":2.5}"#), "days is an integer")
        #expect(!accepts(#"{"city":"x","unit":"kelvin"}"#), "unit outside the enum")
        #expect(!accepts(#"{"city":"x","country":"FR"}"#), "unknown key")
        #expect(!accepts(#"{"city":"x","city":"y"}"#), "duplicate key")
        #expect(!accepts(#"{"city":"x"} "#), "trailing bytes")
        #expect(!accepts(#"{"city":"x""#), "incomplete")
        #expect(!accepts("{\"city\":\"a\u{01}\"}"), "control character in a string")
    }

    @Test func slotTokensStandForStringAndNumberValuesBelowTheSlotCount() {
        #expect(accepts(#"{"city":<S0>,"days":<S2>}"#, slots: 3))
        #expect(!accepts(#"{"city":<S3>}"#, slots: 3))
        #expect(!accepts(#"{"city":<S0>}"#, slots: 0))
        #expect(!accepts(#"{"city":"x","exact":<S0>}"#, slots: 3), "booleans are not copied from slots")
    }

    /// Typed slots: a number slot for integers and numbers, an enum member for an enum; strings
    /// take any slot (ids and zip codes are digits).
    @Test func typedSlotsStandOnlyWhereTheirTextFits() {
        let texts = ["Denver", "5", "celsius", "2.5"]
        #expect(accepts(#"{"city":<S0>,"days":<S1>,"unit":<S2>,"ratio":<S3>}"#, slots: 4, slotTexts: texts))
        #expect(accepts(#"{"city":<S1>}"#, slots: 4, slotTexts: texts), "a string may hold digits")
        #expect(!accepts(#"{"city":"x","days":<S0>}"#, slots: 4, slotTexts: texts), "Denver is no integer")
        #expect(!accepts(#"{"city":"x","unit":<S0>}"#, slots: 4, slotTexts: texts), "Denver is not in the enum")
        #expect(!accepts(#"{"city":"x","ratio":<S2>}"#, slots: 4, slotTexts: texts), "celsius is no number")
        #expect(accepts(#"{"city":"x","days":<S0>}"#, slots: 4), "untyped slots fit any string or number")
    }

    /// The listed tools' names and parameter names are slots too (v3), but never a value.
    @Test func nameSlotsStandForNoValue() {
        let texts = ["Denver", "get_weather", "city", "celsius"]
        #expect(accepts(#"{"city":<S0>,"unit":<S3>}"#, slots: 4, slotTexts: texts, nameSlots: [1, 2]))
        #expect(!accepts(#"{"city":<S1>}"#, slots: 4, slotTexts: texts, nameSlots: [1, 2]), "a tool name")
        #expect(!accepts(#"{"city":<S2>}"#, slots: 4, nameSlots: [1, 2]), "a parameter name, typed or not")
        #expect(accepts(#"{"city":<S2>}"#, slots: 4, slotTexts: texts), "without name slots any slot fits a string")
    }

    @Test func sortedKeysRejectsKeysOutOfOrder() {
        #expect(accepts(#"{"city":"x","days":1}"#, sorted: true))
        #expect(!accepts(#"{"days":1,"city":"x"}"#, sorted: true))
    }

    @Test func canonicalResponseAllowsOnlyKnownToolsWithTheirArguments() throws {
        let graph = JSONSchemaGraph()
        let root = graph.canonicalResponse(tools: [
            ("get_weather", Self.weather), ("ls", ["type": "object", "properties": ["a": ["type": "boolean"]]]),
        ])
        func ok(_ text: String) -> Bool {
            var a = JSONAutomaton(graph: graph, root: root, slots: 2, sortedKeys: true)
            return a.feed(Array(text.utf8)) && a.isComplete
        }
        #expect(
            ok(
                #"{"content":null,"tool_calls":[{"name":"get_weather","arguments":{"city":<S1>}},{"name":"ls","arguments":{}}]}"#
            ))
        #expect(ok(#"{"content":"Done.","tool_calls":[]}"#))
        #expect(!ok(#"{"content":null,"tool_calls":[{"name":"rm","arguments":{}}]}"#))
        #expect(!ok(#"{"content":null,"tool_calls":[{"name":"ls","arguments":{"city":"x"}}]}"#))
        #expect(!ok(#"{"content":null,"tool_calls":[{"name":"get_weather","arguments":{}}]}"#))
    }
}
