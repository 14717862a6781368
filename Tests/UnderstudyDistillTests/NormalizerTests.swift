import Testing
import UnderstudyArchive
import UnderstudyDistill

struct NormalizerTests {
    let normalizer = Normalizer()

    func normalized(_ exchange: Exchange) -> NormalizedExchange? {
        if case .normalized(let n) = normalizer.normalize(exchange) { return n }
        return nil
    }

    func reason(_ exchange: Exchange) -> ExclusionReason? {
        if case .excluded(let reason) = normalizer.normalize(exchange) { return reason }
        return nil
    }

    @Test func openAIChatWithToolCall() throws {
        let n = try #require(
            normalized(TestExchanges.openAI(user: "mail bob", toolCall: ("send_email", #"{"to":"bob@example.com"}"#))))
        #expect(n.provider == "openai" && n.api == "chat.completions" && n.model == "gpt-4o")
        #expect(n.canonical.prefix.system == "You are a support agent for Acme.")
        #expect(n.canonical.prefix.tools.map(\.name) == ["send_email"])
        #expect(n.canonical.messages.map(\.content) == ["mail bob"])
        #expect(n.canonical.response?.toolCalls.first?.arguments["to"] == "bob@example.com")
        #expect(n.usage?.inputTokens == 1000 && n.latencyMs == 250 && n.status == 200 && n.trainable)
    }

    @Test func anthropicResponsesGeminiAndStreams() throws {
        let a = try #require(normalized(TestExchanges.anthropic(user: "printer broken", answer: "hardware")))
        #expect(
            a.provider == "anthropic" && a.canonical.prefix.system == "You triage tickets."
                && a.canonical.response?.content == "hardware")
        let r = try #require(normalized(TestExchanges.responses(user: "long text", answer: "short")))
        #expect(
            r.api == "responses" && r.canonical.prefix.system == "Summarize."
                && r.canonical.response?.content == "short")
        let g = try #require(normalized(TestExchanges.gemini(user: "spam?", answer: "yes")))
        #expect(g.provider == "gemini" && g.model == "gemini-1.5-pro" && g.canonical.response?.content == "yes")
        #expect(!g.path.contains("key="))
        let s = try #require(normalized(TestExchanges.openAIStream(user: "hi", answer: "hello there")))
        #expect(s.stream && s.canonical.response?.content == "hello there")
    }

    @Test func failuresAreExcludedWithTheirReason() {
        #expect(
            reason(
                TestExchanges.make(
                    target: "/v1/chat/completions", request: ["model": "gpt-4o", "messages": []],
                    response: ["error": ["message": "rate limited"]], status: 429)) == .httpError)
        #expect(
            reason(
                TestExchanges.make(
                    target: "/v1/chat/completions", request: ["model": "gpt-4o", "messages": []],
                    response: nil, outcome: .clientAborted)) == .clientAborted)
        #expect(
            reason(
                TestExchanges.make(
                    target: "/v1/chat/completions", request: ["model": "gpt-4o", "messages": []],
                    response: nil, outcome: .upstreamError)) == .upstreamError)
        #expect(
            reason(
                TestExchanges.make(
                    target: "/v1/embeddings", request: ["model": "text-embedding-3-small", "input": "x"],
                    response: ["data": []])) == .embeddings)
        #expect(
            reason(TestExchanges.make(target: "/healthz", request: ["ping": true], response: ["ok": true])) == .notLLM)
    }

    @Test func unknownProvidersAreKeptRawAndUntrainable() throws {
        let exchange = TestExchanges.make(
            target: "/api/generate", request: ["model": "llama3", "prompt": "why is the sky blue"],
            response: ["response": "Rayleigh scattering"])
        let n = try #require(normalized(exchange))
        #expect(!n.trainable && n.model == "llama3" && n.responseBody?["response"] == "Rayleigh scattering")
    }

    @Test func hugeMessagesAreCapped() throws {
        let small = Normalizer(maximumMessageBytes: 1000)
        guard
            case .normalized(let n) = small.normalize(
                TestExchanges.openAI(user: String(repeating: "é", count: 5000), answer: "ok"))
        else {
            Issue.record("not normalized")
            return
        }
        #expect(n.capped)
        let content = try #require(n.canonical.messages.first?.content)
        #expect(content.utf8.count <= 1000 + Normalizer.capMarker.utf8.count && content.hasSuffix(Normalizer.capMarker))
        #expect(!content.contains("\u{FFFD}"))
    }
}
