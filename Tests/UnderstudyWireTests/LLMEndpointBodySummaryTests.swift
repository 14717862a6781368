import Testing
import UnderstudyArchive
import UnderstudyWire

/// `LLMEndpoint.bodySummary`: the recorder's one pass over each request body. It must answer
/// "not JSON" exactly when parsing fails, and classify exactly as the parsed body would.
struct LLMEndpointBodySummaryTests {
    static func summary(_ text: String) -> JSONValue? { LLMEndpoint.bodySummary(Array(text.utf8)) }

    @Test func keepsOnlyTopLevelModelAndStream() {
        let body = #"{"messages":[{"role":"user","content":"x","model":"inner"}],"model":"gpt-4o","tools":[],"stream":true}"#
        #expect(Self.summary(body) == ["model": "gpt-4o", "stream": true])
        let endpoint = LLMEndpoint.classify(
            method: "POST", target: "/v1/chat/completions", body: Self.summary(body))
        let parsed = LLMEndpoint.classify(
            method: "POST", target: "/v1/chat/completions", body: try? JSONValue(parsing: body))
        #expect(endpoint?.model == "gpt-4o" && endpoint?.stream == true)
        #expect(endpoint?.model == parsed?.model && endpoint?.stream == parsed?.stream)
    }

    @Test func answersNilExactlyWhenTheBodyIsNotJSON() {
        let bodies = [
            #"{"model":"a"}"#, #" {"model":"a"} "#, #"[1,2]"#, "42", #"{"a":{"b":[1,2,{"c":null}]},"k\"ey":"v"}"#,
            #"{"model":"a""#, #"{"model":"a"} x"#, #"{"model":}"#, "", "model=a", #"{"a":01}"#, #"{"a":[1,]}"#,
            #"{"a":"x"#, "{\"a\":\"line\nbreak\"}", #"{"a":1e}"#, #"{"a":tru}"#,
        ]
        for body in bodies {
            let valid = (try? JSONValue(parsing: body)) != nil
            #expect((Self.summary(body) != nil) == valid, "\(body)")
            #expect(JSONValue.isValid(Array(body.utf8)) == valid, "\(body)")
        }
        #expect(Self.summary("[1,2]") == .null)
    }
}
