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
    func chatAnswer(content: String, question: String = "hi") -> CapturedExchange {
        let target = "/v1/chat/completions"
        var c = CapturedExchange(capture: .init(mode: .reverse), method: "POST", target: target, headers: [], bodyLimit: 1 << 20)
        c.endpoint = LLMEndpoint.classify(method: "POST", target: target, headers: [])
        c.appendRequestBody(ByteBuffer(string: #"{"model":"gpt-4o","messages":[{"role":"user","content":"\#(question)"}]}"#))
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
    /// Keys spelled with JSON escapes, as some encoders write them. A scan of the raw bytes misses
    /// each (or finds only the part before the first escape), since the escapes hide key bytes.
    static let escapedKeys: [(json: String, key: String)] = [
        (#"sk-\u0070roj-ESCAPEDaaaaaaaaaaaa0001"#, "sk-proj-ESCAPEDaaaaaaaaaaaa0001"),
        (#"\u0073\u006b\u002d\u0070\u0072\u006f\u006a-ESCAPEDbbbbbbbbbbbb0002"#, "sk-proj-ESCAPEDbbbbbbbbbbbb0002"),
        (#"sk-proj-ESCAPEDcccccccccccccccc\u0030\u0030\u0030\u0033"#, "sk-proj-ESCAPEDcccccccccccccccc0003"),
        (#"ghp_ESCAPEDdddddddddddddd\u0064dddddddddddddd0004"#, "ghp_ESCAPEDddddddddddddddddddddddddddddd0004"),
        // A PEM block whose first dash is escaped and whose base64 has `\/` (PHP's json_encode).
        (#"\u002d----BEGIN RSA PRIVATE KEY-----\nMIIEpESCAPEDPEMeeee\/ffff+gggg\n-----END RSA PRIVATE KEY-----"#,
         "MIIEpESCAPEDPEMeeee/ffff+gggg"),
    ]

    func expectNoLeak(_ exchange: Exchange, of keys: [String], _ comment: String) {
        let line = String(decoding: exchange.jsonLine(), as: UTF8.self)
        for key in keys {
            let piece = SecretLeakCheck.leakedPiece(of: key, in: line)
            #expect(piece == nil, "\(comment): \(piece ?? "") of \(key) reached the record")
        }
    }

    @Test func escapedKeysInRequestAndPlainAnswerAreScrubbedAndBodiesStayJSON() throws {
        let text = Self.escapedKeys.map(\.json).joined(separator: " and ") + ", see the task-list"
        let captured = chatAnswer(content: text, question: text)
        let exchange = ExchangeRecorder.makeExchange(from: captured, redactor: redactor)
        expectNoLeak(exchange, of: Self.escapedKeys.map(\.key), "plain answer")
        #expect(exchange.redactedBodySecrets == 2 * Self.escapedKeys.count, "\(exchange.redactedBodySecrets)")
        // Both bodies stay valid JSON (the writer stores them verbatim), and an escaped key gets
        // the fingerprint of the key itself: the same text as the key written plainly.
        let request = try JSONValue(parsing: exchange.request.body.bytes)
        let content = request["messages"]?[0]?["content"]?.stringValue ?? ""
        let answer = try JSONValue(parsing: exchange.response?.body.bytes ?? [])
        for key in Self.escapedKeys.dropLast().map(\.key) {
            #expect(content.contains(redactor.fingerprint(key)), "\(content)")
        }
        #expect(content.hasSuffix(", see the task-list"))
        #expect(answer["choices"]?[0]?["message"]?["content"]?.stringValue == content)
        #expect(exchange.llm?.assembled?["choices"]?[0]?["message"]?["content"]?.stringValue == content)
        #expect(try Exchange(jsonLine: exchange.jsonLine()).request.body.bytes == exchange.request.body.bytes)
    }

    @Test func escapedKeysInStreamsAreScrubbedWholeAndSplitAcrossEvents() {
        let split = "sk-proj-SPLITESCAPEDhhhhhhhhhhhhh0005"
        let pieces = [
            "whole: ", Self.escapedKeys[0].json, " and ", Self.escapedKeys[4].json, "; split: ",
            #"sk-\u0070roj-SPLIT"#, #"ESCAPEDhhhh"#, #"hhhh\u0068hhhh0005"#, " done",
        ]
        let exchange = ExchangeRecorder.makeExchange(
            from: anthropicStream(pieces, userText: Self.escapedKeys[1].json), redactor: redactor)
        expectNoLeak(exchange, of: [Self.escapedKeys[0].key, Self.escapedKeys[1].key, Self.escapedKeys[4].key], "stream")
        let line = String(decoding: exchange.jsonLine(), as: UTF8.self)
        for piece in ["SPLIT", "ESCAPEDhhhh", "hhhh0005"] {
            #expect(!SecretLeakCheck.readings(of: line).contains { $0.contains(piece) }, "\(piece) of \(split)")
        }
        let assembled = exchange.llm?.assembled?["content"]?[0]?["text"]?.stringValue ?? ""
        #expect(assembled.contains(redactor.fingerprint(split)) && assembled.hasSuffix(" done"), "\(assembled)")
        #expect(exchange.error == nil, "\(exchange.error ?? "")")
    }

    @Test func escapesWithoutKeysLeaveBodiesByteForByte() {
        let text = #"caf\u00e9 \/ path\/to sk-\u0073hort \ud83d\ude00 task\u002dlist \\u0073k-proj-NOTAKEYaaaaaaaaaaaaaaaa"#
        let captured = chatAnswer(content: text, question: text)
        let exchange = ExchangeRecorder.makeExchange(from: captured, redactor: redactor)
        #expect(exchange.response?.body.bytes == captured.responseBody.bytes)
        #expect(exchange.request.body.bytes == captured.requestBody.bytes)
        #expect(exchange.redactedBodySecrets == 0)
    }
}

