import Testing
import UnderstudyArchive
import UnderstudyDistill

struct RequestFingerprintTests {
    func hash(_ text: String) throws -> String {
        RequestFingerprint.hash(body: try JSONValue(parsing: text), api: "chat.completions", model: "gpt-4o")
    }

    @Test func keyOrderWhitespaceAndVolatileFieldsDoNotMatter() throws {
        let base = try hash(#"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"temperature":0}"#)
        #expect(
            try hash(#"{ "temperature": 0, "messages": [ {"content": "hi", "role": "user"} ], "model": "gpt-4o" }"#)
                == base)
        #expect(
            try hash(
                #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"temperature":0,"user":"u-42","#
                    + #""stream":true,"stream_options":{"include_usage":true},"metadata":{"trace":"abc"}}"#) == base)
    }

    @Test func whatIsAskedDoesMatter() throws {
        let base = try hash(#"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"temperature":0}"#)
        #expect(try hash(#"{"model":"gpt-4o","messages":[{"role":"user","content":"hi!"}],"temperature":0}"#) != base)
        #expect(try hash(#"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"temperature":1}"#) != base)
        let body = try JSONValue(parsing: #"{"messages":[]}"#)
        #expect(
            RequestFingerprint.hash(body: body, api: "chat.completions", model: "gpt-4o")
                != RequestFingerprint.hash(body: body, api: "chat.completions", model: "gpt-4o-mini"))
    }

    @Test func costComesFromUsageAndTheLongestModelPrefix() {
        let prices = PriceTable()
        let usage = Exchange.Usage(inputTokens: 1_000_000, outputTokens: 1_000_000)
        #expect(prices.cost(model: "gpt-4o-mini-2024-07-18", usage: usage) == 0.15 + 0.6)
        #expect(prices.cost(model: "gpt-4o-2024-08-06", usage: usage) == 2.5 + 10)
        #expect(prices.cost(model: "some-local-model", usage: usage) == prices.fallback.input + prices.fallback.output)
    }
}
