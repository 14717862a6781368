import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// `optional_arguments` of specialist.json: `omit` constrains calls to the tools' required arguments.
struct OptionalArgumentsTests {
    static let book = (
        name: "book_table",
        parameters: Optional(
            try! OrderedJSON.parse(
                #"{"type":"object","properties":{"restaurant":{"type":"string"},"people":{"type":"integer"},"time":{"type":"string"}},"required":["restaurant","people"]}"#
            ))
    )
    static let ping = (
        name: "ping",
        parameters: Optional(try! OrderedJSON.parse(#"{"type":"object","properties":{"host":{"type":"string"}}}"#))
    )

    static func accepts(_ policy: Specialist.OptionalArguments, _ text: String) -> Bool {
        let graph = JSONSchemaGraph()
        let tools = [book, ping].map(policy.apply).map { tool in
            (tool.name, tool.parameters.flatMap { try? JSONSerialization.jsonObject(with: Data($0.jsonText.utf8)) })
        }
        var automaton = JSONAutomaton(graph: graph, root: graph.canonicalResponse(tools: tools))
        return automaton.feed(Array(text.utf8)) && automaton.isComplete
    }

    @Test func omitAllowsOnlyTheRequiredArguments() {
        let full =
            #"{"content":null,"tool_calls":[{"name":"book_table","arguments":{"people":4,"restaurant":"Luigi's","time":"19:30"}}]}"#
        let required =
            #"{"content":null,"tool_calls":[{"name":"book_table","arguments":{"people":4,"restaurant":"Luigi's"}}]}"#
        #expect(Self.accepts(.model, full) && Self.accepts(.model, required))
        #expect(!Self.accepts(.omit, full), "the optional time is not written")
        #expect(Self.accepts(.omit, required))
        // A tool without required arguments takes no argument at all.
        #expect(Self.accepts(.omit, #"{"content":null,"tool_calls":[{"name":"ping","arguments":{}}]}"#))
        #expect(!Self.accepts(.omit, #"{"content":null,"tool_calls":[{"name":"ping","arguments":{"host":"a"}}]}"#))
    }

    @Test func specialistReadsThePolicyAndNamesABadOne() throws {
        for (value, expected) in [("omit" as Any, Specialist.OptionalArguments.omit), (NSNull(), .model)] {
            let directory = try SpecialistTests.copy("specialist-optional-\(expected)", ["optional_arguments": value])
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect(try Specialist(directory: directory).optionalArguments == expected)
        }
        let directory = try SpecialistTests.copy("specialist-optional-bad", ["optional_arguments": "sometimes"])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect {
            _ = try Specialist(directory: directory)
        } throws: { error in
            String(describing: error).contains("optional_arguments")
                && String(describing: error).contains("specialist.json")
        }
    }
}
