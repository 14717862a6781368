import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// API keys typed into bodies (messages, tool arguments, echoed in streamed answers) are replaced
/// by `redacted:<fingerprint>` in the archive, while the client still gets the original bytes.
@Suite(.serialized)
struct BodySecretScrubbingTests {
    static let openAI = "sk-proj-BODYKEYabcdefghijklmnop0123456789"
    static let anthropic = "sk-ant-api03-BODYKEYabcdefghijklmnop4567"
    static let aws = "AKIABODYKEY234567ABC"
    static let github = "ghp_BODYKEYabcdefghijklmnopqrstuvwxyz01"

    @Test func keysInRequestAndStreamedResponseNeverReachTheArchive() throws {
        let script = #"{"response": {"content": "Stored \#(Self.openAI) for you. See the task-list; sk-short is fine."}}"#
        let harness = try RecorderHarness(script: script)
        let toolArguments = #"{\"token\":\"\#(Self.github)\",\"aws\":\"\#(Self.aws)\"}"#
        let body = """
            {"model":"gpt-4o-mini","stream":STREAM,"messages":[{"role":"user","content":"my key is \(Self.openAI) and \
            \(Self.anthropic); again \(Self.openAI). Check the task-list, sk-short."},\
            {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function",\
            "function":{"name":"save","arguments":"\(toolArguments)"}}]},\
            {"role":"tool","tool_call_id":"c1","content":"ok"}]}
            """
        var answers: [String] = []
        for stream in ["false", "true"] {
            let result = try harness.curl([
                "-H", "content-type: application/json", "--data-binary", body.replacingOccurrences(of: "STREAM", with: stream),
                "\(harness.base)/v1/chat/completions",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            answers.append(result.stdout)
        }
        // The client got the upstream's bytes: the echoed key is there.
        #expect(answers[0].contains(Self.openAI), "non-streamed answer: \(answers[0])")
        #expect(answers[1].contains("data: ") && answers[1].contains("sk-proj-BOD"), "streamed answer: \(answers[1])")

        let exchanges = try harness.stopAndRead()
        #expect(exchanges.count == 2, "\(harness.recorderLogTail)")
        let raw = try harness.archiveText()
        for key in [Self.openAI, Self.anthropic, Self.aws, Self.github] {
            #expect(!raw.contains(key), "\(key.prefix(10))… reached the archive segment")
        }
        #expect(raw.contains("redacted:"))
        let log = harness.recorder?.log ?? ""
        for key in [Self.openAI, Self.anthropic, Self.aws, Self.github] { #expect(!log.contains(key), "key in the log") }
        #expect(raw.contains("task-list") && raw.contains("sk-short"), "ordinary text was changed")

        let cat = try ProcessRunner.understudy(["archive", "cat", harness.archive.path])
        #expect(cat.status == 0, "\(cat.stderr)")
        for key in [Self.openAI, Self.anthropic, Self.aws, Self.github] { #expect(!cat.stdout.contains(key)) }

        for exchange in exchanges {
            // The request body stays valid JSON, and the same key maps to the same fingerprint.
            let request = try JSONValue(parsing: String(decoding: exchange.request.body.bytes, as: UTF8.self))
            let content = request["messages"]?.arrayValue?.first?["content"]?.stringValue ?? ""
            let fingerprints = content.split(separator: " ").filter { $0.hasPrefix("redacted:") }
                .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ";.,")) }
            #expect(fingerprints.count == 3 && fingerprints[0] == fingerprints[2] && fingerprints[0] != fingerprints[1],
                    "\(content)")
            #expect(exchange.redactedBodySecrets >= 5, "\(exchange.redactedBodySecrets)")
        }
        let streamed = exchanges.first { $0.response?.sse != nil }
        let events = streamed?.response?.sse?.map(\.data).joined() ?? ""
        #expect(events.contains("redacted:"), "the streamed echo was not scrubbed: \(events.prefix(400))")
    }
    /// Keys spelled with JSON escapes (`\u0070`, all `\u`, a PEM block with `\/`) in request
    /// bodies and in answers, plain and streamed. The upstream is a cassette whose recorded
    /// answers hold them, so the recorder sees the escaped bytes an encoder would send.
    @Test func escapedKeysInRequestsAndAnswersNeverReachTheArchive() throws {
        let escaped = ExchangeSecretScrubbingTests.escapedKeys
        let text = escaped.map(\.json).joined(separator: " | ")
        let requests = [
            #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"plain \#(text)"}]}"#,
            #"{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"stream \#(text)"}]}"#,
        ]
        let answer = #"{"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"#
            + #""message":{"role":"assistant","content":"\#(text)"},"finish_reason":"stop"}]}"#
        func chunk(_ delta: String, finish: String = "null") -> String {
            #"{"id":"c2","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"#
                + #""delta":\#(delta),"finish_reason":\#(finish)}]}"#
        }
        let datas = [chunk(#"{"role":"assistant","content":""}"#)]
            + escaped.map { chunk(#"{"content":"\#($0.json) "}"#) } + [chunk("{}", finish: #""stop""#), "[DONE]"]
        let cassette = try TestEnvironment.temporaryDirectory("escaped-cassette")
        defer { try? FileManager.default.removeItem(at: cassette) }
        let writer = try ArchiveWriter(configuration: .init(directory: cassette))
        let json = [HTTPHeaderField("content-type", "application/json")]
        writer.append(Exchange(
            capture: .init(mode: .reverse),
            request: .init(method: "POST", target: "/v1/chat/completions", headers: json, body: HTTPBody(bytes: Array(requests[0].utf8))),
            response: .init(status: 200, headers: json, body: HTTPBody(bytes: Array(answer.utf8)))))
        writer.append(Exchange(
            capture: .init(mode: .reverse),
            request: .init(method: "POST", target: "/v1/chat/completions", headers: json, body: HTTPBody(bytes: Array(requests[1].utf8))),
            response: .init(
                status: 200, headers: [HTTPHeaderField("content-type", "text/event-stream")],
                body: HTTPBody(bytes: Array(datas.map { "data: \($0)\n\n" }.joined().utf8)),
                sse: datas.map { SSEEvent(tMs: 1, data: $0) })))
        try writer.close()

        let harness = try RecorderHarness(script: "", cassette: cassette)
        for request in requests {
            let result = try harness.curl(["-H", "content-type: application/json", "--data-binary", request,
                                           "\(harness.base)/v1/chat/completions"])
            #expect(result.status == 0, "\(result.stderr)")
            // The client gets the upstream's bytes, escapes and keys included.
            #expect(result.stdout.contains(escaped[0].json), "\(result.stdout.prefix(300))")
        }
        let exchanges = try harness.stopAndRead()
        #expect(exchanges.count == 2, "\(harness.recorderLogTail)")
        #expect(exchanges.allSatisfy { $0.redactedBodySecrets >= 2 * escaped.count }, "\(exchanges.map(\.redactedBodySecrets))")
        let streamed = exchanges.first { $0.llm?.stream == true }
        let message = streamed?.llm?.assembled?["choices"]?[0]?["message"]?["content"]?.stringValue ?? ""
        #expect(message.components(separatedBy: "redacted:").count == escaped.count + 1, "\(message)")

        let raw = try harness.archiveText()
        let cat = try ProcessRunner.understudy(["archive", "cat", harness.archive.path])
        #expect(cat.status == 0, "\(cat.stderr)")
        let log = harness.recorder?.log ?? ""
        for key in escaped.map(\.key) {
            for (name, text) in [("archive segment", raw), ("archive cat", cat.stdout), ("log", log)] {
                let piece = SecretLeakCheck.leakedPiece(of: key, in: text)
                #expect(piece == nil, "\(piece ?? "") of \(key.prefix(12))… reached the \(name)")
            }
        }
    }
}

