import Testing
import UnderstudyArchive
import UnderstudyWire

struct LLMEndpointTests {
    private func body(_ text: String) -> JSONValue { try! JSONValue(parsing: text) }

    @Test func openAIChatCompletionsWithModelAndStreamFromBody() {
        let e = LLMEndpoint.classify(
            method: "POST", target: "/v1/chat/completions", body: body(#"{"model":"gpt-4o","stream":true}"#))
        #expect(e == LLMEndpoint(provider: .openai, api: .chatCompletions, model: "gpt-4o", stream: true))
        #expect(e?.api.rawValue == "chat.completions")
    }

    @Test func nonStreamWhenBodySaysFalseOrNothing() {
        let off = LLMEndpoint.classify(method: "POST", target: "/v1/chat/completions", body: body(#"{"stream":false}"#))
        #expect(off?.stream == false)
        let absent = LLMEndpoint.classify(method: "POST", target: "/v1/responses", body: body(#"{"model":"o3"}"#))
        #expect(absent == LLMEndpoint(provider: .openai, api: .responses, model: "o3"))
    }

    @Test func openAIPathsBehindABaseURLPrefix() {
        #expect(
            LLMEndpoint.classify(method: "POST", target: "/openai/v1/chat/completions", headers: [])?.api
                == .chatCompletions)
        #expect(LLMEndpoint.classify(method: "POST", target: "/api/v1/embeddings", headers: [])?.api == .embeddings)
        #expect(LLMEndpoint.classify(method: "POST", target: "/v1/responses?x=1", headers: [])?.api == .responses)
        // OpenAI-compatible servers without /v1 (some llama.cpp setups).
        #expect(LLMEndpoint.classify(method: "POST", target: "/chat/completions", headers: [])?.provider == .openai)
    }

    @Test func anthropicMessages() {
        let e = LLMEndpoint.classify(
            method: "POST", target: "/v1/messages", headers: [HTTPHeaderField("anthropic-version", "2023-06-01")],
            body: body(#"{"model":"claude-sonnet-4-5","max_tokens":1024,"stream":true,"messages":[]}"#))
        #expect(e == LLMEndpoint(provider: .anthropic, api: .messages, model: "claude-sonnet-4-5", stream: true))
        #expect(e?.canonicalPath == "/v1/messages")
    }

    @Test func assistantsThreadMessagesAreNotAnthropic() {
        #expect(LLMEndpoint.classify(method: "POST", target: "/v1/threads/thread_abc/messages", headers: []) == nil)
    }

    @Test func azureDeploymentsTakeTheModelFromThePath() {
        for (tail, api) in [
            ("chat/completions", LLMEndpoint.API.chatCompletions), ("responses", .responses),
            ("embeddings", .embeddings),
        ] {
            let e = LLMEndpoint.classify(
                method: "POST", target: "/openai/deployments/prod-gpt4o/\(tail)?api-version=2024-10-21",
                body: body(#"{"stream":true}"#))
            #expect(e == LLMEndpoint(provider: .azure, api: api, model: "prod-gpt4o", stream: true))
            // The canonical path classifies back to the same endpoint.
            let path = e?.canonicalPath ?? ""
            #expect(path.hasSuffix("?api-version=2024-10-21"))
            #expect(LLMEndpoint.classify(method: "POST", target: path, body: body(#"{"stream":true}"#)) == e)
        }
    }

    @Test func azureV1PathIsRecognisedByHost() {
        let e = LLMEndpoint.classify(
            method: "POST", target: "/openai/v1/chat/completions",
            headers: [HTTPHeaderField("Host", "myres.openai.azure.com")], body: body(#"{"model":"gpt-4.1"}"#))
        #expect(e == LLMEndpoint(provider: .azure, api: .chatCompletions, model: "gpt-4.1"))
        let withPort = LLMEndpoint.classify(
            method: "POST", target: "/openai/v1/chat/completions",
            headers: [HTTPHeaderField("Host", "myres.cognitiveservices.azure.com:443")])
        #expect(withPort?.provider == .azure)
        let lookalike = LLMEndpoint.classify(
            method: "POST", target: "/v1/chat/completions",
            headers: [HTTPHeaderField("Host", "openai.azure.com.example.org:8080")])
        #expect(lookalike?.provider == .openai)
    }

    @Test func geminiGenerateAndStream() {
        let plain = LLMEndpoint.classify(
            method: "POST", target: "/v1beta/models/gemini-2.0-flash:generateContent", headers: [])
        #expect(plain == LLMEndpoint(provider: .gemini, api: .generateContent, model: "gemini-2.0-flash"))

        let sse = LLMEndpoint.classify(
            method: "POST", target: "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse", headers: [])
        #expect(sse?.stream == true)
        #expect(sse?.sse == true)
        #expect(sse?.api.rawValue == "generate_content")

        let array = LLMEndpoint.classify(
            method: "POST", target: "/v1beta/models/gemini-2.0-flash:streamGenerateContent", headers: [])
        #expect(array?.stream == true)
        #expect(array?.sse == false)
    }

    @Test func geminiBodyStreamFieldDoesNotOverrideThePath() {
        let e = LLMEndpoint.classify(
            method: "POST", target: "/v1beta/models/gemini-pro:generateContent", body: body(#"{"stream":true}"#))
        #expect(e?.stream == false)
    }

    @Test func vertexPublisherModelPath() {
        let e = LLMEndpoint.classify(
            method: "POST",
            target:
                "/v1/projects/p/locations/us-central1/publishers/google/models/gemini-1.5-pro:streamGenerateContent?alt=sse",
            headers: [])
        #expect(e == LLMEndpoint(provider: .gemini, api: .generateContent, model: "gemini-1.5-pro", stream: true))
    }

    @Test func absoluteFormTargetFromAForwardProxy() {
        let e = LLMEndpoint.classify(method: "POST", target: "https://api.openai.com/v1/chat/completions", headers: [])
        #expect(e?.api == .chatCompletions)
    }

    @Test func unknownPathsAndMethodsAreRaw() {
        #expect(LLMEndpoint.classify(method: "GET", target: "/v1/models", headers: []) == nil)
        #expect(LLMEndpoint.classify(method: "GET", target: "/v1/chat/completions", headers: []) == nil)
        #expect(LLMEndpoint.classify(method: "POST", target: "/v1/files", headers: []) == nil)
        #expect(LLMEndpoint.classify(method: "POST", target: "/", headers: []) == nil)
        #expect(LLMEndpoint.classify(method: "POST", target: "", headers: []) == nil)
        #expect(LLMEndpoint.classify(method: "POST", target: "/v1beta/models/x:countTokens", headers: []) == nil)
    }

    @Test func nonJSONOrOddBodiesLeaveDefaults() {
        let e = LLMEndpoint.classify(
            method: "POST", target: "/v1/chat/completions", body: body(#"{"model":7,"stream":"yes"}"#))
        #expect(e == LLMEndpoint(provider: .openai, api: .chatCompletions))
    }
}
