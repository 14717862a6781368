import Testing
import UnderstudyArchive
import UnderstudyRouter
import UnderstudyWire

struct AnswerValidatorTests {
    let tools = [
        ToolSpec(name: "get_weather", parameters: [
            "type": "object",
            "properties": ["city": ["type": "string"], "days": ["type": "integer"], "unit": ["type": "string", "enum": ["c", "f"]]],
            "required": ["city"], "additionalProperties": false,
        ])
    ]

    func call(_ name: String, _ arguments: JSONValue) -> CanonicalResponse {
        CanonicalResponse(content: nil, toolCalls: [ToolCall(name: name, arguments: arguments)])
    }

    @Test func acceptsAnswersThatFitTheTools() {
        #expect(AnswerValidator.problem(call("get_weather", ["city": "Paris", "days": 3, "unit": "c"]), tools: tools) == nil)
        #expect(AnswerValidator.problem(CanonicalResponse(content: "It is sunny."), tools: tools) == nil)
    }

    @Test func namesWhatIsWrong() {
        #expect(AnswerValidator.problem(CanonicalResponse(content: "  "), tools: tools) == "empty")
        #expect(AnswerValidator.problem(call("launch_rocket", [:]), tools: tools) == "unknown_tool:launch_rocket")
        #expect(AnswerValidator.problem(call("get_weather", ["days": 3]), tools: tools) == "schema:get_weather.city")
        #expect(AnswerValidator.problem(call("get_weather", ["city": 7]), tools: tools) == "schema:get_weather.city")
        #expect(AnswerValidator.problem(call("get_weather", ["city": "Oslo", "days": .number("1.5")]), tools: tools) == "schema:get_weather.days")
        #expect(AnswerValidator.problem(call("get_weather", ["city": "Oslo", "unit": "k"]), tools: tools) == "schema:get_weather.unit")
        #expect(AnswerValidator.problem(call("get_weather", ["city": "Oslo", "mood": "happy"]), tools: tools) == "schema:get_weather.mood")
    }
}
