import NIOCore
import Testing
import UnderstudyArchive
import UnderstudyRecorder
import UnderstudyWire

/// `makeExchange` (every capture mode's path: reverse, forward, pcap import) scrubs keys from
/// bodies, including an Anthropic stream that splits a key across events.
struct ExchangeSecretScrubbingTests {
    let redactor = HeaderRedactor(key: RedactionKey(bytes: Array(repeating: 3, count: 32)))
    static let key = "sk-ant-api03-SPLITKEYabcdefghijklmnopqrst"
    static let pem = #"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----"#

    func anthropicStream(_ pieces: [String], userText: String = "deploy with \(pem)") -> CapturedExchange {
        let target = "/v1/messages"
        let body = #"{"model":"claude-3-5-haiku","stream":true,"max_tokens":50,"messages":[{"role":"user","content":"\#(userText)"}]}"#
        var c = CapturedExchange(capture: .init(mode: .pcap), method: "POST", target: target, headers: [], bodyLimit: 1 << 20)
        c.endpoint = LLMEndpoint.classify(method: "POST", target: target, headers: [])
        c.appendRequestBody(ByteBuffer(string: body))
        c.responseHead(status: 200, headers: [HTTPHeaderField("content-type", "text/event-stream")])
        var stream = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-3-5-haiku\",\"content\":[],\"usage\":{\"input_tokens\":5,\"output_tokens\":0}}}\n\n"
        stream += "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
        for piece in pieces {
            stream += "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"\(piece)\"}}\n\n"
        }
        stream += "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
        c.appendResponseBody(ByteBuffer(string: stream))
        c.finish(.ok)
        return c
    }

    @Test func keySplitAcrossStreamEventsAndPemInRequestAreScrubbed() throws {
        let k = Self.key
        let pieces = ["Your key ", String(k.prefix(9)), String(k.dropFirst(9).prefix(14)), String(k.dropFirst(23)), " works; see the task-list."]
        let exchange = ExchangeRecorder.makeExchange(from: anthropicStream(pieces), redactor: redactor)
        let line = exchange.jsonLine()
        let text = String(decoding: line, as: UTF8.self)
        for piece in pieces[1...3] { #expect(!text.contains(piece), "\(piece) reached the record") }
        #expect(!text.contains("b3BlbnNzaC1rZXktdjEAAAAA") && !text.contains("PRIVATE KEY"))
        #expect(text.contains("task-list"))
        let assembled = exchange.llm?.assembled?["content"]?[0]?["text"]?.stringValue ?? ""
        #expect(assembled == "Your key \(redactor.fingerprint(k)) works; see the task-list.", "\(assembled)")
        #expect(exchange.redactedBodySecrets >= 4)
        #expect(try Exchange(jsonLine: line).redactedBodySecrets == exchange.redactedBodySecrets)
    }

    /// An OpenAI answer (not streamed) whose message holds keys: one plain, one spelled with a
    /// JSON `\u` escape that only shows once the body is parsed.
    func chatAnswer(content: String) -> CapturedExchange {
        let target = "/v1/chat/completions"
        var c = CapturedExchange(capture: .init(mode: .reverse), method: "POST", target: target, headers: [], bodyLimit: 1 << 20)
        c.endpoint = LLMEndpoint.classify(method: "POST", target: target, headers: [])
        c.appendRequestBody(ByteBuffer(string: #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#))
        c.responseHead(status: 200, headers: [HTTPHeaderField("Content-Type", "application/json")])
        c.appendResponseBody(ByteBuffer(string:
            #"{"id":"c","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"\#(content)"},"finish_reason":"stop"}]}"#))
        c.finish(.ok)
        return c
    }

    @Test func keysInAPlainAnswerLeaveBothBodyAndMessage() throws {
        let plain = "sk-proj-PLAINKEYabcdefghijklmnop"
        for (content, key) in [
            ("use \(plain) now\\nok", plain),
            (#"use sk-\u0070roj-ESCAPEDabcdefghijklmnop now"#, "sk-proj-ESCAPEDabcdefghijklmnop"),
            (#"path \/ and sk-proj-SLASHabcdefghijklmnop"#, "sk-proj-SLASHabcdefghijklmnop"),
        ] {
            let exchange = ExchangeRecorder.makeExchange(from: chatAnswer(content: content), redactor: redactor)
            let message = exchange.llm?.assembled?["choices"]?[0]?["message"]?["content"]?.stringValue ?? ""
            #expect(!message.contains(key) && message.contains(redactor.fingerprint(key)), "\(message)")
            let line = String(decoding: exchange.jsonLine(), as: UTF8.self)
            #expect(!line.contains(key), "\(content)")
            #expect(exchange.error == nil)
            #expect(try Exchange(jsonLine: exchange.jsonLine()).llm?.assembled == exchange.llm?.assembled)
        }
    }

    @Test func bodiesWithoutKeysStayByteForByte() {
        let pieces = ["No key here: ", "sk-short and ", "task-list."]
        let c = anthropicStream(pieces, userText: "what is the risk-assessment?")
        let exchange = ExchangeRecorder.makeExchange(from: c, redactor: redactor)
        #expect(exchange.request.body.bytes == c.requestBody.bytes)
        #expect(exchange.response?.body.bytes == c.responseBody.bytes)
        #expect(exchange.redactedBodySecrets == 0)
        #expect(!String(decoding: exchange.jsonLine(), as: UTF8.self).contains("redacted_body_secrets"))
    }
}
