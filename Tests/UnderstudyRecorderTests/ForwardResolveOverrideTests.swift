import Testing
import UnderstudyRecorder

/// `--forward-resolve HOST:PORT=ADDRESS:PORT`: what a user types is parsed or rejected with a
/// message that shows the expected form.
struct ForwardResolveOverrideTests {
    @Test func parsesHostPortToLiteralAddress() throws {
        let fixed = try ForwardResolveOverride(parsing: "API.OpenAI.com:443=127.0.0.1:8443")
        #expect(fixed.host == "api.openai.com")
        #expect(fixed.port == 443)
        #expect(fixed.address == "127.0.0.1")
        #expect(fixed.targetPort == 8443)
        #expect(fixed.description == "api.openai.com:443=127.0.0.1:8443")
        let v6 = try ForwardResolveOverride(parsing: "api.anthropic.com:443=[::1]:9000")
        #expect(v6.address == "::1" && v6.targetPort == 9000)
        #expect(v6.description == "api.anthropic.com:443=[::1]:9000")
    }

    @Test(arguments: [
        "api.openai.com:443", "api.openai.com=127.0.0.1:1", "api.openai.com:443=localhost:8443",
        "api.openai.com:443=127.0.0.1", "api.openai.com:0=127.0.0.1:1", ":443=127.0.0.1:1",
    ])
    func rejectsMalformedOverrides(_ text: String) {
        #expect(throws: RecorderError.self) { try ForwardResolveOverride(parsing: text) }
    }
}
